import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  assertPortFree,
  findJava,
  findMaven,
  javaMajorVersion,
  missingJdkMessage,
  missingMavenMessage,
  SetupError,
} from './preflight.ts';

const preflight = suite('preflight');

let scratch = '';
preflight.before.each(() => {
  scratch = mkdtempSync(join(tmpdir(), 'preflight-'));
});
preflight.after.each(() => rmSync(scratch, { recursive: true, force: true }));

/** A stand-in `java` that prints the given `-version` banner, the way a real JDK does (on stderr). */
const fakeJava = (dir: string, banner: string): string => {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'java');
  writeFileSync(path, `#!/bin/sh\necho '${banner}' >&2\n`);
  chmodSync(path, 0o755);
  return path;
};

const setupErrorOf = async (work: () => unknown): Promise<SetupError> => {
  try {
    await work();
  } catch (error) {
    assert.instance(error, SetupError);
    return error as SetupError;
  }
  assert.unreachable('expected a SetupError');
  throw new Error('unreachable');
};

const assertOneLine = (message: string) => assert.not.match(message, /\n/);

preflight('no java on PATH and no JAVA_HOME: says what to install, on one line', async () => {
  const error = await setupErrorOf(() => findJava({ PATH: join(scratch, 'empty') }));
  assert.is(
    error.message,
    'JDK 17+ not found: install it (Debian: apt-get install openjdk-17-jdk-headless) or set JAVA_HOME',
  );
  assert.is(error.message, missingJdkMessage);
});

preflight('a JAVA_HOME without bin/java and nothing on PATH is the same missing JDK', async () => {
  const error = await setupErrorOf(() => findJava({ PATH: '', JAVA_HOME: join(scratch, 'nowhere') }));
  assert.is(error.message, missingJdkMessage);
});

preflight('a java older than 17 is named in the message', async () => {
  const bin = join(scratch, 'bin');
  const java = fakeJava(bin, 'openjdk version "11.0.2" 2019-01-15');
  const error = await setupErrorOf(() => findJava({ PATH: bin }));
  assert.ok(error.message.startsWith('JDK 17+ not found ('), error.message);
  assert.ok(error.message.includes(`${java} is Java 11`), error.message);
  assert.ok(error.message.endsWith('or set JAVA_HOME'), error.message);
  assertOneLine(error.message);
});

preflight('JAVA_HOME wins over PATH', () => {
  const home = join(scratch, 'jdk');
  const preferred = fakeJava(join(home, 'bin'), 'openjdk version "21.0.1" 2023-10-17');
  const onPath = join(scratch, 'bin');
  fakeJava(onPath, 'openjdk version "1.8.0_392"');
  assert.is(findJava({ PATH: onPath, JAVA_HOME: home }), preferred);
});

preflight('the java on PATH is used when JAVA_HOME is unset', () => {
  const bin = join(scratch, 'bin');
  const java = fakeJava(bin, 'openjdk version "17.0.15" 2025-04-15');
  assert.is(findJava({ PATH: `${join(scratch, 'empty')}:${bin}` }), java);
});

preflight('java version banners', () => {
  assert.is(javaMajorVersion('openjdk version "17.0.15" 2025-04-15'), 17);
  assert.is(javaMajorVersion('java version "1.8.0_392"'), 8);
  assert.is(javaMajorVersion('openjdk version "21" 2023-09-19'), 21);
  assert.is(javaMajorVersion('bash: java: command not found'), undefined);
});

preflight('no mvn on PATH: says what to install, on one line', async () => {
  const error = await setupErrorOf(() => findMaven({ PATH: join(scratch, 'empty') }));
  assert.is(error.message, missingMavenMessage);
  assert.ok(error.message.startsWith('Maven not found'), error.message);
  assert.ok(error.message.includes('apt-get install maven'), error.message);
  assertOneLine(error.message);
});

preflight('mvn on PATH is found', () => {
  const bin = join(scratch, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'mvn'), '#!/bin/sh\n');
  chmodSync(join(bin, 'mvn'), 0o755);
  assert.is(findMaven({ PATH: bin }), join(bin, 'mvn'));
});

const listen = (): Promise<Server> =>
  new Promise((resolve) => {
    const server = createServer();
    server.listen({ host: '127.0.0.1', port: 0 }, () => resolve(server));
  });
const portOf = (server: Server) => (server.address() as { port: number }).port;
const close = (server: Server) => new Promise((resolve) => server.close(resolve));

preflight('a port something listens on: names the port and the setting to change', async () => {
  const server = await listen();
  try {
    const port = portOf(server);
    const error = await setupErrorOf(() => assertPortFree('127.0.0.1', port, 'KAFKA_BROKERS'));
    assert.is(error.message, `port ${port} is in use by another process: stop it or set KAFKA_BROKERS to a free port`);
  } finally {
    await close(server);
  }
});

preflight('a free port passes', async () => {
  const server = await listen();
  const port = portOf(server);
  await close(server);
  await assertPortFree('127.0.0.1', port, 'KAFKA_BROKERS');
});

preflight.run();

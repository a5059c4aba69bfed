import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { eventTopicNames } from '../topics.ts';
import { isAlive, isPortInUse } from './processes.ts';
import { readState } from './run-state.ts';

/** A second stack beside the shared one: its own run dir, its own Kafka and redis-server, the shared PostgreSQL. */
const root = new URL('../..', import.meta.url).pathname;

const openSockets = new WeakMap<Server, Set<Socket>>();
const listen = (port = 0): Promise<Server> =>
  new Promise((resolve, reject) => {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    openSockets.set(server, sockets);
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => resolve(server));
  });
/** Also drops connections a probe left open, which server.close() alone would wait for. */
const close = (server: Server) =>
  new Promise((resolve) => {
    server.close(resolve);
    for (const socket of openSockets.get(server) ?? []) socket.destroy();
  });
const freePorts = async (count: number): Promise<number[]> => {
  const servers = await Promise.all(Array.from({ length: count }, () => listen()));
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map(close));
  return ports;
};

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const stackCli = (verb: string, env: NodeJS.ProcessEnv): Promise<CliResult> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'deploy/local/stack.ts', verb],
      { cwd: root, env: { ...process.env, ...env }, timeout: 180_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });

const assertOk = (result: CliResult, what: string) =>
  assert.is(result.code, 0, `${what} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);

const secondStack = suite('a second local stack');
const runDirs: string[] = [];
const envs: NodeJS.ProcessEnv[] = [];

const stackEnv = async (): Promise<{ env: NodeJS.ProcessEnv; kafkaPort: number; redisPort: number }> => {
  const runDir = mkdtempSync(join(tmpdir(), 'stack-run-'));
  runDirs.push(runDir);
  const [kafkaPort, controllerPort, redisPort] = (await freePorts(3)) as [number, number, number];
  const env = {
    STACK_RUN_DIR: runDir,
    KAFKA_BROKERS: `127.0.0.1:${kafkaPort}`,
    KAFKA_CONTROLLER_PORT: String(controllerPort),
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
  };
  envs.push(env);
  return { env, kafkaPort, redisPort };
};

secondStack.after(async () => {
  // Whatever a failed assertion left running is stopped here; `down` is a no-op for a stack already down.
  await Promise.all(envs.map((env) => stackCli('down', env)));
  for (const dir of runDirs) rmSync(dir, { recursive: true, force: true });
});

secondStack(
  'up starts Kafka and redis-server, up again starts nothing, status shows all up, down stops them',
  async () => {
    const { env, kafkaPort, redisPort } = await stackEnv();

    const first = await stackCli('up', env);
    assertOk(first, 'first up');
    const started = readState(env.STACK_RUN_DIR!);
    const kafkaPid = started.kafka?.pid;
    const redisPid = started.redis?.pid;
    assert.ok(kafkaPid && isAlive(kafkaPid), `kafka pid ${kafkaPid}`);
    assert.ok(redisPid && isAlive(redisPid), `redis pid ${redisPid}`);
    assert.is(started.postgres, undefined, 'the shared PostgreSQL is used, not started');
    assert.match(first.stdout, /^kafka .* started \(pid \d+\)/m);
    const topicCount = eventTopicNames.length;
    assert.match(first.stdout, new RegExp(`^topics .* ${topicCount} event topics \\(${topicCount} created\\)`, 'm'));

    const second = await stackCli('up', env);
    assertOk(second, 'second up');
    assert.equal(readState(env.STACK_RUN_DIR!), started);
    assert.match(second.stdout, new RegExp(`^kafka .* already running \\(pid ${kafkaPid}\\)`, 'm'));
    assert.match(second.stdout, new RegExp(`^redis .* already running \\(pid ${redisPid}\\)`, 'm'));
    assert.match(second.stdout, /^topics .* \(0 created\)/m);

    const status = await stackCli('status', env);
    assertOk(status, 'status');
    const lines = status.stdout.trim().split('\n');
    assert.is(lines.length, 3, status.stdout);
    assert.match(lines[0]!, new RegExp(`^kafka\\s+127\\.0\\.0\\.1:${kafkaPort}\\s+up \\(pid ${kafkaPid}`));
    assert.match(lines[1]!, /^postgres\s+\S+:\d+\/\S+\s+up /);
    assert.match(lines[2]!, new RegExp(`^redis\\s+127\\.0\\.0\\.1:${redisPort}\\s+up \\(pid ${redisPid}`));

    const down = await stackCli('down', env);
    assertOk(down, 'down');
    assert.not.ok(isAlive(kafkaPid), `kafka pid ${kafkaPid} still alive`);
    assert.not.ok(isAlive(redisPid), `redis pid ${redisPid} still alive`);
    assert.equal(readState(env.STACK_RUN_DIR!), {});
    assert.match(down.stdout, /^postgres .* left running/m);

    const after = await stackCli('status', env);
    assert.is(after.code, 1, after.stdout);
    assert.match(after.stdout, /^kafka\s+\S+\s+down/m);
    assert.match(after.stdout, /^redis\s+\S+\s+down/m);
  },
);

secondStack('up with the Kafka port taken by another process fails with one line and starts nothing', async () => {
  const { env, kafkaPort, redisPort } = await stackEnv();
  const squatter = await listen(kafkaPort);
  try {
    const result = await stackCli('up', env);
    assert.is(result.code, 1, result.stdout);
    assert.is(
      result.stderr.trim(),
      `port ${kafkaPort} is in use by another process: stop it or set KAFKA_BROKERS to a free port`,
    );
    assert.equal(readState(env.STACK_RUN_DIR!), {});
    assert.not.ok(await isPortInUse('127.0.0.1', redisPort), 'no redis-server was started');
  } finally {
    await close(squatter);
  }
});

secondStack('an unknown verb prints the usage line', async () => {
  const result = await stackCli('sideways', {});
  assert.is(result.code, 2);
  assert.match(result.stderr.trim(), /^usage: tsx deploy\/local\/stack\.ts up\|down\|status/);
  assert.not.match(result.stderr.trim(), /\n/);
});

secondStack.run();

import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { isPortInUse } from './processes.ts';

/** A problem the user fixes by installing or changing something; the CLI prints only its message. */
export class SetupError extends Error {
  override name = 'SetupError';
}

export const missingJdkMessage =
  'JDK 17+ not found: install it (Debian: apt-get install openjdk-17-jdk-headless) or set JAVA_HOME';
export const missingMavenMessage =
  'Maven not found (needed once to fetch the Kafka jars): install it (Debian: apt-get install maven) or put mvn on PATH';
export const portInUseMessage = (port: number, setting: string): string =>
  `port ${port} is in use by another process: stop it or set ${setting} to a free port`;

const isExecutableFile = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/** Where `name` would be found on env.PATH, like `which`. */
export const findOnPath = (name: string, env: NodeJS.ProcessEnv): string | undefined =>
  (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, name))
    .find(isExecutableFile);

/** The major version in `java -version` output: `"17.0.15"` gives 17, the old `"1.8.0_392"` gives 8. */
export const javaMajorVersion = (versionOutput: string): number | undefined => {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
};

/** The `java` to run Kafka with: JAVA_HOME's when set, else the one on PATH; it must be 17 or newer. */
export const findJava = (env: NodeJS.ProcessEnv = process.env): string => {
  const fromHome = env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : undefined;
  const java = fromHome && isExecutableFile(fromHome) ? fromHome : findOnPath('java', env);
  if (!java) throw new SetupError(missingJdkMessage);
  const probe = spawnSync(java, ['-version'], { env, encoding: 'utf8', timeout: 30_000 });
  const major = javaMajorVersion(`${probe.stderr ?? ''}${probe.stdout ?? ''}`);
  if (major === undefined || major < 17) {
    const found = major === undefined ? `${java} did not report a version` : `${java} is Java ${major}`;
    throw new SetupError(missingJdkMessage.replace('not found', `not found (${found})`));
  }
  return java;
};

export const findMaven = (env: NodeJS.ProcessEnv = process.env): string => {
  const mvn = findOnPath('mvn', env);
  if (!mvn) throw new SetupError(missingMavenMessage);
  return mvn;
};

/** Fails with the one-line message when something already listens on host:port. */
export const assertPortFree = async (host: string, port: number, setting: string): Promise<void> => {
  if (await isPortInUse(host, port)) throw new SetupError(portInUseMessage(port, setting));
};

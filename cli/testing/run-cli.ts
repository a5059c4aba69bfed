import { type ChildProcess, spawn } from 'node:child_process';

const root = new URL('../../', import.meta.url).pathname;

/** What isolates a test's CLI run: its topics, schema and Redis keys. */
export interface CliEnvironment {
  KAFKA_TOPIC_PREFIX?: string;
  PGOPTIONS?: string;
  REDIS_KEY_PREFIX?: string;
  [name: string]: string | undefined;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as one JSON document (throws when it is not one); the tests' assertions check its shape. */
  // biome-ignore lint/suspicious/noExplicitAny: a parsed document whose shape each test asserts
  json(): any;
}

/** A running `node --import tsx cli/main.ts ...`, without a terminal (stdin closed). */
export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stderr (or stdout) has matched. */
  waitFor(pattern: RegExp, stream?: 'stderr' | 'stdout', timeoutMs?: number): Promise<void>;
  done: Promise<CliResult>;
}

export const startCli = (args: readonly string[], env: CliEnvironment = {}): CliProcess => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
    notify();
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
    notify();
  });
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      notify();
      resolve({ code, signal, stdout, stderr, json: () => JSON.parse(stdout) });
    });
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor: (pattern, stream = 'stderr', timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(stream === 'stderr' ? stderr : stdout)) {
            cleanup();
            resolve();
          } else if (child.exitCode !== null) {
            cleanup();
            reject(new Error(`cli exited (${child.exitCode}) before ${pattern}: ${stderr.slice(-2000)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern} on ${stream}; stderr: ${stderr.slice(-2000)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      }),
    done,
  };
};

export const runCli = (args: readonly string[], env: CliEnvironment = {}): Promise<CliResult> =>
  startCli(args, env).done;

/** The environment of a test schema and prefixes. */
export const cliEnvironment = (
  schema: string,
  topicPrefix: string,
  redisKeyPrefix = `${topicPrefix}redis:`,
): CliEnvironment => ({
  KAFKA_TOPIC_PREFIX: topicPrefix,
  PGOPTIONS: `-c search_path=${schema}`,
  REDIS_KEY_PREFIX: redisKeyPrefix,
});

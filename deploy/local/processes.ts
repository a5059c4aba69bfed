import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie still answers signal 0 but is gone for every purpose that matters here.
  return !/^State:\s+Z/m.test(readProcFile(pid, 'status'));
};

const readProcFile = (pid: number, file: string): string => {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
};

/** The process's command line as separate arguments (empty when it is gone). */
export const commandLineOf = (pid: number): string[] => readProcFile(pid, 'cmdline').split('\0').filter(Boolean);

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const waitForExit = async (pid: number, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
};

/** SIGTERM, and SIGKILL when the process has not gone by the deadline. Resolves once it is gone. */
export const stopProcess = async (pid: number, graceMs: number): Promise<'stopped' | 'killed' | 'not-running'> => {
  if (!isAlive(pid)) return 'not-running';
  signal(pid, 'SIGTERM');
  if (await waitForExit(pid, graceMs)) return 'stopped';
  signal(pid, 'SIGKILL');
  if (await waitForExit(pid, 10_000)) return 'killed';
  throw new Error(`process ${pid} is still alive after SIGKILL`);
};

const signal = (pid: number, name: NodeJS.Signals) => {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
};

/** True when nothing can bind host:port right now (something listens there). */
export const isPortInUse = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(true);
      else reject(error);
    });
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(false)));
  });

/**
 * Starts a long-lived process in its own session with its output in a file, so it outlives this CLI
 * and holds none of our pipes (a parent waiting for our stdout to close would otherwise hang).
 */
export const spawnDetached = (
  command: string,
  args: string[],
  { cwd, outputFile, env = process.env }: { cwd: string; outputFile: string; env?: NodeJS.ProcessEnv },
): number => {
  const out = openSync(outputFile, 'a');
  try {
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', out, out] });
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(out);
  }
};

/**
 * Runs a short command to completion with its output in a file (not a pipe: a daemon it forks may keep
 * inherited pipes open for ever). Resolves with the exit code.
 */
export const runToCompletion = (
  command: string,
  args: string[],
  { cwd, outputFile, env = process.env }: { cwd: string; outputFile: string; env?: NodeJS.ProcessEnv },
): Promise<number> =>
  new Promise((resolve, reject) => {
    const out = openSync(outputFile, 'w');
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', out, out] });
    closeSync(out);
    child.once('error', reject);
    child.once('exit', (code, signalName) => resolve(code ?? (signalName ? 128 : 1)));
  });

/** The last lines of a file, for error messages about a process that went wrong. */
export const tailOf = (file: string, lines = 20): string => {
  if (!existsSync(file)) return `(no ${file})`;
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
};

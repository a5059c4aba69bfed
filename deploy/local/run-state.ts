import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isAlive, sleep } from './processes.ts';

/**
 * The source tree's deploy/local/, also when this module runs compiled from dist/deploy/local/ (npm start): the
 * run folder (local keys, stack state) and the download cache are shared by the compiled services and by
 * `stack:up`, `ops` and the tests, which run the sources.
 */
export const sourceLocalDirOf = (moduleDir: string): string =>
  moduleDir.replace(/\/dist\/deploy\/local\/$/, '/deploy/local/');
const localDir = sourceLocalDirOf(new URL('.', import.meta.url).pathname);

/** What `up` started, so `down` stops exactly that and nothing it merely found running. */
export interface StackState {
  kafka?: { pid: number; host: string; port: number; controllerPort: number };
  redis?: { pid: number; port: number };
  postgres?: { version: string; cluster: string };
}

/** Process state, logs and Kafka's data; STACK_RUN_DIR lets a second stack live beside the first. */
export const runDirOf = (env: NodeJS.ProcessEnv = process.env): string =>
  env.STACK_RUN_DIR ? resolve(env.STACK_RUN_DIR) : join(localDir, '.run');

/** Downloads kept across runs and shared by every run dir. */
export const cacheDirOf = (env: NodeJS.ProcessEnv = process.env): string =>
  env.STACK_CACHE_DIR ? resolve(env.STACK_CACHE_DIR) : join(localDir, '.cache');

const stateFile = (runDir: string) => join(runDir, 'state.json');

export const readState = (runDir: string): StackState => {
  try {
    return JSON.parse(readFileSync(stateFile(runDir), 'utf8')) as StackState;
  } catch {
    return {};
  }
};

export const updateState = (runDir: string, change: (state: StackState) => StackState): StackState => {
  mkdirSync(runDir, { recursive: true });
  const next = change(readState(runDir));
  const temporary = `${stateFile(runDir)}.${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(next, null, 2)}\n`);
  renameSync(temporary, stateFile(runDir));
  return next;
};

/**
 * One stack command per directory at a time: the test runner and a person may both run `up`, and two
 * brokers racing for the same port and log dir would leave neither running; two Maven fetches into one
 * cache would mix their files.
 */
export const withDirLock = async <T>(dir: string, work: () => Promise<T>, timeoutMs = 600_000): Promise<T> => {
  mkdirSync(dir, { recursive: true });
  const lockFile = join(dir, 'stack.lock');
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readFileSafely(lockFile));
    if (!Number.isInteger(holder) || holder <= 0 || !isAlive(holder)) {
      removeSafely(lockFile);
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another stack command (pid ${holder}) holds ${lockFile}`);
    if (!announced) console.log(`waiting for another stack command (pid ${holder}) to finish`);
    announced = true;
    await sleep(200);
  }
  try {
    return await work();
  } finally {
    removeSafely(lockFile);
  }
};

const readFileSafely = (file: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

const removeSafely = (file: string) => {
  try {
    unlinkSync(file);
  } catch {
    // Already gone: another command cleaned up a stale lock first.
  }
};

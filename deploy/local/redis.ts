import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { findOnPath, SetupError } from './preflight.ts';
import { commandLineOf, isAlive, isPortInUse, runToCompletion, sleep, stopProcess, tailOf } from './processes.ts';

export interface RedisTarget {
  host: string;
  port: number;
  address: string;
}

export const redisTargetOf = (redisUrl: string): RedisTarget => {
  const url = new URL(redisUrl);
  const host = url.hostname || '127.0.0.1';
  const port = Number(url.port || 6379);
  return { host, port, address: `${host}:${port}` };
};

export const redisAnswers = async (redisUrl: string, timeoutMs = 3_000): Promise<boolean> => {
  const client = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // Refused connections are the expected answer of a probe, not something to log.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
};

const redisPaths = (runDir: string) => ({
  pidFile: join(runDir, 'redis.pid'),
  logFile: join(runDir, 'redis.log'),
  launchLog: join(runDir, 'redis-launch.log'),
});

/** The pid is the redis-server this stack started on that port (redis rewrites its title to `redis-server host:port`). */
export const isOurRedis = (pid: number, port: number): boolean =>
  isAlive(pid) && commandLineOf(pid).join(' ').includes(`:${port}`) && commandLineOf(pid).join(' ').includes('redis');

/** Checks, before anything starts, that `up` could start a redis-server for REDIS_URL. */
export const preflightRedis = async (target: RedisTarget): Promise<void> => {
  const fix = 'install it (Debian: apt-get install redis-server) or set REDIS_URL to a running Redis';
  if (!['127.0.0.1', 'localhost'].includes(target.host)) {
    throw new SetupError(`Redis at ${target.address} does not answer: start it or set REDIS_URL to a running Redis`);
  }
  if (!findOnPath('redis-server', process.env)) throw new SetupError(`redis-server not found: ${fix}`);
  if (await isPortInUse(target.host, target.port)) {
    throw new SetupError(
      `port ${target.port} is in use by a process that does not answer as Redis: stop it or set REDIS_URL to a free port`,
    );
  }
};

/** A throw-away redis-server: no snapshots, no append-only file, daemonised with its pid in the run dir. */
export const startRedis = async (target: RedisTarget, redisUrl: string, runDir: string): Promise<number> => {
  const paths = redisPaths(runDir);
  const code = await runToCompletion(
    'redis-server',
    [
      '--daemonize',
      'yes',
      '--bind',
      target.host === 'localhost' ? '127.0.0.1' : target.host,
      '--port',
      String(target.port),
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      runDir,
      '--pidfile',
      paths.pidFile,
      '--logfile',
      paths.logFile,
    ],
    { cwd: runDir, outputFile: paths.launchLog },
  );
  if (code !== 0) throw new Error(`redis-server did not start:\n${tailOf(paths.launchLog)}\n${tailOf(paths.logFile)}`);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const pid = existsSync(paths.pidFile) ? Number(readFileSync(paths.pidFile, 'utf8').trim()) : 0;
    if (pid > 0 && (await redisAnswers(redisUrl))) return pid;
    if (pid > 0 && !isAlive(pid)) throw new Error(`redis-server exited during start:\n${tailOf(paths.logFile)}`);
    if (Date.now() > deadline)
      throw new Error(`redis-server did not answer PING within 30 s:\n${tailOf(paths.logFile)}`);
    await sleep(50);
  }
};

export const stopRedis = (pid: number) => stopProcess(pid, 10_000);

/**
 * PostgreSQL, Redis and a Kafka broker of a test's own, on free ports and in a temporary directory, so fault
 * tests can restart and kill them without touching the servers every other test shares. Started the way the
 * local stack starts them (deploy/local/), but as children of the test process (same process group): the test
 * runner's kill takes them with it.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaAnswers } from '../../deploy/kafka-admin.ts';
import { kafkaCommand, prepareKafka } from '../../deploy/local/kafka.ts';
import { kafkaEndpointOf } from '../../deploy/local/kafka-config.ts';
import { ensureKafkaLibs } from '../../deploy/local/kafka-libs.ts';
import { ensureDatabase, migrateDatabase, postgresAnswers, postgresTargetOf } from '../../deploy/local/postgres.ts';
import { findJava } from '../../deploy/local/preflight.ts';
import { redisAnswers } from '../../deploy/local/redis.ts';
import { cacheDirOf } from '../../deploy/local/run-state.ts';
import { waitFor } from './wait.ts';

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** One server process that can be stopped, killed and started again with the same data and port. */
interface Server {
  start(): Promise<void>;
  /** A clean stop (PostgreSQL: fast shutdown, like `pg_ctl restart -m fast`; Redis: SIGTERM). */
  stop(): Promise<void>;
  kill(): Promise<void>;
  restart(): Promise<void>;
}

const exitOf = (child: ChildProcess | undefined) =>
  new Promise<void>((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });

const serverProcess = (
  launch: () => ChildProcess,
  answers: () => Promise<boolean>,
  what: string,
  stopSignal: NodeJS.Signals,
  startTimeoutMs = 60_000,
): Server & { child(): ChildProcess | undefined } => {
  let child: ChildProcess | undefined;
  const start = async () => {
    const launched = launch();
    child = launched;
    await waitFor(
      async () => {
        if (launched.exitCode !== null) throw new Error(`${what} exited with ${launched.exitCode} during start`);
        return answers();
      },
      { what: `${what} to answer`, timeoutMs: startTimeoutMs, intervalMs: 100 },
    );
  };
  const halt = async (signal: NodeJS.Signals) => {
    const running = child;
    running?.kill(signal);
    await exitOf(running);
  };
  return {
    start,
    stop: () => halt(stopSignal),
    kill: () => halt('SIGKILL'),
    restart: async () => {
      await halt(stopSignal);
      await start();
    },
    child: () => child,
  };
};

/** PostgreSQL refuses to run as root: when the tests do, the server runs as the `postgres` user. */
const postgresUser = (): { uid: number; gid: number } | undefined => {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  if (!line) throw new Error('running as root, but there is no postgres user to run a private PostgreSQL as');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
};

const postgresBinDir = (): string => {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const root = '/usr/lib/postgresql';
  const newest = existsSync(root)
    ? readdirSync(root)
        .filter((version) => existsSync(join(root, version, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))[0]
    : undefined;
  if (!newest) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql: set PG_BIN_DIR');
  return join(root, newest, 'bin');
};

const privatePostgres = async (dir: string, track: (server: Tracked) => void) => {
  const bin = postgresBinDir();
  const user = postgresUser();
  const data = join(dir, 'pgdata');
  if (user) chownSync(dir, user.uid, user.gid);
  const init = spawnSync(
    join(bin, 'initdb'),
    ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { encoding: 'utf8', ...user },
  );
  if (init.status !== 0) throw new Error(`initdb failed:\n${init.stdout}${init.stderr}`);
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/orders`;
  const target = postgresTargetOf(url);
  const server = serverProcess(
    () =>
      spawn(
        join(bin, 'postgres'),
        [
          ...['-D', data, '-p', String(port), '-k', dir],
          ...['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'shared_buffers=64MB'],
          // A test's data need not survive a crash of the machine; a restart keeps it all the same.
          ...['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
        ],
        {
          stdio: ['ignore', openSync(join(dir, 'postgres.log'), 'a'), openSync(join(dir, 'postgres.log'), 'a')],
          ...user,
        },
      ),
    () => postgresAnswers(target),
    'private PostgreSQL',
    'SIGINT',
  );
  track(server);
  await server.start();
  await ensureDatabase(target);
  await migrateDatabase(url);
  return { ...server, url };
};

const privateRedis = async (dir: string, track: (server: Tracked) => void) => {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const log = join(dir, 'redis.log');
  const server = serverProcess(
    () =>
      spawn(
        'redis-server',
        ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir],
        { stdio: ['ignore', openSync(log, 'a'), openSync(log, 'a')] },
      ),
    () => redisAnswers(url, 1_000),
    'private Redis',
    'SIGTERM',
  );
  track(server);
  await server.start();
  return { ...server, url };
};

const privateKafka = async (dir: string, track: (server: Tracked) => void) => {
  const [port, controllerPort] = [await freePort(), await freePort()];
  const endpoint = kafkaEndpointOf([`127.0.0.1:${port}`], { KAFKA_CONTROLLER_PORT: String(controllerPort) });
  const java = findJava();
  const cacheDir = cacheDirOf(process.env);
  await ensureKafkaLibs(cacheDir);
  prepareKafka(java, endpoint, dir, cacheDir);
  const server = serverProcess(
    () => {
      const { command, args, cwd, outputFile } = kafkaCommand(java, dir, cacheDir);
      return spawn(command, args, { cwd, stdio: ['ignore', openSync(outputFile, 'a'), openSync(outputFile, 'a')] });
    },
    () => kafkaAnswers(endpoint.brokers, 1_000),
    'private Kafka broker',
    'SIGTERM',
    120_000,
  );
  track(server);
  await server.start();
  return { ...server, brokers: endpoint.brokers.join(',') };
};

interface Tracked {
  kill(): Promise<void>;
  child(): ChildProcess | undefined;
}

export interface PrivateStack {
  postgres: Server & { url: string };
  redis: Server & { url: string };
  kafka: Server & { brokers: string };
  /** The environment that points a service or the CLI at these servers. */
  env: { DATABASE_URL: string; REDIS_URL: string; KAFKA_BROKERS: string };
  stop(): Promise<void>;
}

export const startPrivateStack = async (): Promise<PrivateStack> => {
  const dir = mkdtempSync(join(tmpdir(), 'faults-stack-'));
  const started: Tracked[] = [];
  const track = (server: Tracked) => {
    started.push(server);
  };
  // If the test process dies without its `after` hook, its servers must not outlive it.
  const onExit = () => {
    for (const server of started) server.child()?.kill('SIGKILL');
  };
  process.once('exit', onExit);
  const stop = async () => {
    await Promise.all(started.map((server) => server.kill()));
    process.removeListener('exit', onExit);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [postgres, redis, kafka] = await Promise.all([
      privatePostgres(dir, track),
      privateRedis(dir, track),
      privateKafka(join(dir, 'kafka-run'), track),
    ]);
    return {
      postgres,
      redis,
      kafka,
      env: { DATABASE_URL: postgres.url, REDIS_URL: redis.url, KAFKA_BROKERS: kafka.brokers },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
};

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { loadConfig } from '../../deploy/config.ts';
import { entryArguments } from '../../deploy/entry-arguments.ts';
import { migrate } from '../../deploy/migrate.ts';
import { uniqueName } from './names.ts';
import { createTestSchema, type TestSchema } from './postgres.ts';
import { type TestTokens, testTokens } from './tokens.ts';
import { deleteTopicsWithPrefix } from './topics.ts';
import { waitFor } from './wait.ts';

const root = new URL('../..', import.meta.url).pathname;

/** The processes of the whole flow, in start order. */
const entries = {
  projectors: 'projections/main.ts',
  relay: 'commands/relay/main.ts',
  saga: 'projections/saga/main.ts',
  commandApi: 'commands/main.ts',
  readApi: 'read-api/main.ts',
} as const;

export type ServiceName = keyof typeof entries;

export interface RunningPipeline {
  commandApiUrl: string;
  readApiUrl: string;
  /** Base URLs of the workers' metrics and health servers. */
  metricsUrls: { relay: string; saga: string; projectors: string };
  /** Connections into the pipeline's own schema (its read models, checkpoints, event store). */
  pool: TestSchema['pool'];
  /** That schema's name (`PGOPTIONS=-c search_path=<schema>` reaches it). */
  schema: string;
  topicPrefix: string;
  redisPrefix: string;
  /** The pipeline's own token key (its APIs get it as AUTH_JWT_SECRET): tokens of any role and subject. */
  tokens: TestTokens;
  /** `{ authorization: 'Bearer …' }` of an operator, for requests to either API. */
  operator: Record<string, string>;
  /** The process id of each running service (for CPU accounting). */
  pids(): Partial<Record<ServiceName, number>>;
  /** The last lines each process wrote, for a failure message. */
  output(): string;
  stop(): Promise<void>;
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

const answers = async (url: string): Promise<boolean> => {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
};

/**
 * Every service of the system as its own child process, exactly as `npm start` runs them, but on a
 * fresh PostgreSQL schema (PGOPTIONS search_path), topic prefix, Redis key prefix and free ports.
 */
export const startPipeline = async (
  extraEnv: NodeJS.ProcessEnv = {},
  /** `compiled`: run dist/ (npm run build first), as `npm start` does; the sources otherwise. */
  { compiled = false }: { compiled?: boolean } = {},
): Promise<RunningPipeline> => {
  const schema: TestSchema = await createTestSchema('pipeline');
  await migrate(schema.pool);
  const topicPrefix = `${uniqueName('pipeline')}.`;
  const redisPrefix = `${uniqueName('pipeline')}:`;
  const [commandPort, readPort] = [await freePort(), await freePort()];
  const metricsPorts = { relay: await freePort(), saga: await freePort(), projectors: await freePort() };
  const tokens = testTokens();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AUTH_JWT_SECRET: tokens.secretText,
    AUTH_JWKS_URL: '',
    AUTH_ISSUER: '',
    AUTH_AUDIENCE: '',
    DATA_KEY: randomBytes(32).toString('hex'),
    PGOPTIONS: `-c search_path=${schema.schema}`,
    KAFKA_TOPIC_PREFIX: topicPrefix,
    REDIS_KEY_PREFIX: redisPrefix,
    COMMAND_API_PORT: String(commandPort),
    READ_API_PORT: String(readPort),
    READ_API_URL: `http://127.0.0.1:${readPort}`,
    METRICS_PORT_RELAY: String(metricsPorts.relay),
    METRICS_PORT_SAGA: String(metricsPorts.saga),
    METRICS_PORT_PROJECTORS: String(metricsPorts.projectors),
    // Read-your-writes must hold even when the machine is busy; a broken token still shows as stale.
    CONSISTENCY_WAIT_MS: '15000',
    NO_COLOR: '1',
    ...extraEnv,
  };
  const logs = new Map<string, string>();
  const children = new Map<string, ChildProcess>();

  let exited: (reason: Error) => void = () => undefined;
  const anExit = new Promise<never>((_, reject) => {
    exited = reject;
  });
  anExit.catch(() => undefined);
  let stopping = false;

  const start = (name: ServiceName) => {
    const child = spawn(process.execPath, entryArguments(entries[name], compiled), {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => logs.set(name, `${logs.get(name) ?? ''}${chunk}`.slice(-4_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code, signal) => {
      keep(Buffer.from(`\n[exited with ${signal ?? code}]\n`));
      if (!stopping) exited(new Error(`${name} exited with ${signal ?? code} before the pipeline was up`));
    });
    children.set(name, child);
  };

  const output = () => [...logs].map(([name, text]) => `--- ${name}\n${text.trimEnd()}`).join('\n');

  const stop = async () => {
    stopping = true;
    await Promise.all(
      [...children.values()].map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    const redis = new Redis(loadConfig().redisUrl);
    try {
      const keys = await redis.keys(`${redisPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    await Promise.allSettled([schema.drop(), deleteTopicsWithPrefix(topicPrefix)]);
  };

  try {
    for (const name of Object.keys(entries) as ServiceName[]) start(name);
    const commandApiUrl = `http://127.0.0.1:${commandPort}`;
    const readApiUrl = `http://127.0.0.1:${readPort}`;
    // Generous: five Node processes start at once on a machine that may be busy with other tests.
    await Promise.race([
      anExit,
      waitFor(async () => (await answers(`${commandApiUrl}/health`)) && (await answers(`${readApiUrl}/health`)), {
        timeoutMs: 150_000,
        intervalMs: 250,
        what: 'both APIs to answer /health',
      }),
    ]);
    const pids = () =>
      Object.fromEntries(
        [...children].filter(([, child]) => child.pid !== undefined).map(([name, child]) => [name, child.pid]),
      ) as Partial<Record<ServiceName, number>>;
    const metricsUrls = {
      relay: `http://127.0.0.1:${metricsPorts.relay}`,
      saga: `http://127.0.0.1:${metricsPorts.saga}`,
      projectors: `http://127.0.0.1:${metricsPorts.projectors}`,
    };
    return {
      commandApiUrl,
      readApiUrl,
      metricsUrls,
      pool: schema.pool,
      schema: schema.schema,
      topicPrefix,
      redisPrefix,
      tokens,
      operator: await tokens.bearer('operator', 'test-operator'),
      pids,
      output,
      stop,
    };
  } catch (error) {
    const message = `${(error as Error).message}\n${output()}`;
    await stop();
    throw new Error(message);
  }
};

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { loadConfig } from '../deploy/config.ts';
import { migrate } from '../deploy/migrate.ts';
import { uniqueName } from '../test/support/names.ts';
import { createTestSchema, type TestSchema } from '../test/support/postgres.ts';
import { type TestTokens, testTokens } from '../test/support/tokens.ts';
import { changesChannel } from './change-feed.ts';
import { createReadApi, type ReadApi, type ReadApiOptions } from './read-api.ts';
import { type ReadModelSeed, readModelSeed } from './read-model-seed.ts';

/** An HTTP answer as the tests look at it; `body` is parsed when the answer is JSON. */
export interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary answer shapes
  body: any;
}

export interface RunningReadApi {
  url: string;
  api: ReadApi;
  schema: TestSchema;
  redis: Redis;
  redisPrefix: string;
  seed: ReadModelSeed;
  /** The API's key: tokens of any role and subject. Requests carry an operator's token unless they name their own `authorization` (`''` for none). */
  tokens: TestTokens;
  errorsLogged: unknown[];
  get(path: string, headers?: Record<string, string>): Promise<Answer>;
  /** What a projector does after a batch: one message on `<prefix>changes`. */
  publishChange(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real query API over real HTTP, on read models in a fresh schema of its own (tables by the real
 * migrations, rows by the real projection handlers) and a Redis key prefix of its own.
 */
export const startReadApi = async (overrides: Partial<ReadApiOptions> = {}): Promise<RunningReadApi> => {
  const schema = await createTestSchema('read_api');
  await migrate(schema.pool);
  const redis = new Redis(loadConfig().redisUrl, { lazyConnect: false });
  const redisPrefix = `${uniqueName('readapi')}:`;
  const errorsLogged: unknown[] = [];
  const tokens = testTokens();
  const operator = await tokens.bearer('operator', 'test-operator');
  const api = createReadApi({
    pool: schema.pool,
    redis,
    redisPrefix,
    lag: async () => [],
    logError: (_message, error) => errorsLogged.push(error),
    verifyToken: tokens.verifyToken,
    ...overrides,
  });
  const server = createServer(api.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    api,
    schema,
    redis,
    redisPrefix,
    seed: readModelSeed(schema.pool, { redis, redisPrefix }),
    errorsLogged,
    tokens,
    get: async (path, headers = {}) => {
      const named = Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
      // A request that names its own authorization keeps it; an empty one means no token at all.
      const sent = named
        ? Object.fromEntries(
            Object.entries(headers).filter(([name, value]) => name.toLowerCase() !== 'authorization' || value !== ''),
          )
        : { ...operator, ...headers };
      const response = await fetch(`${url}${path}`, { headers: sent });
      const text = await response.text();
      const json = /json/.test(response.headers.get('content-type') ?? '') && text !== '';
      return { status: response.status, headers: response.headers, body: json ? JSON.parse(text) : text };
    },
    publishChange: async () => {
      await redis.publish(changesChannel(redisPrefix), JSON.stringify({ source: 'test', changed: 1 }));
    },
    close: async () => {
      await api.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const keys = await redis.keys(`${redisPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      await schema.drop();
    },
  };
};

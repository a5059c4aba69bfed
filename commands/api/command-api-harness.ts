import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { migrate } from '../../deploy/migrate.ts';
import { encodeConsistencyToken } from '../../schemas/consistency-token.ts';
import { createTestSchema, type TestSchema } from '../../test/support/postgres.ts';
import { type TestTokens, testTokens } from '../../test/support/tokens.ts';
import type { EventStore, RecordedEvent } from '../event-store/event-store.ts';
import { PostgresEventStore } from '../event-store/postgres/postgres-event-store.ts';
import { secretBox } from '../webhooks/secret-box.ts';
import { type CommandApiOptions, createCommandApi } from './command-api.ts';

/** An HTTP answer as the tests look at it; `body` is parsed when the answer is JSON. */
export interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary answer shapes
  body: any;
}

export interface RunningCommandApi {
  url: string;
  store: EventStore;
  /** The API's key: tokens of any role and subject. Requests carry an operator's token unless they name their own `authorization` (`''` for none). */
  tokens: TestTokens;
  /** The API's data key: what it sealed, this opens. */
  dataKey: Buffer;
  /** Moves the API's clock; every command reads `now` from it. */
  setNow(instant: Date): void;
  errorsLogged: unknown[];
  /** Connections into the API's own schema. */
  pool: TestSchema['pool'];
  /** Events in the store, all streams, whatever other transactions of the database are doing. */
  countEvents(): Promise<number>;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  get(path: string, headers?: Record<string, string>): Promise<Answer>;
  send(path: string, init: RequestInit): Promise<Answer>;
  close(): Promise<void>;
}

export const readApiUrl = 'http://read-api.test';

/** The consistency token a command answer carries for this event. */
export const tokenOf = (event: RecordedEvent | undefined): string | undefined =>
  event && encodeConsistencyToken({ streamId: event.streamId, version: event.version });

/** The store with some operations replaced, to play a failing or slow store. */
export const storeWith = (store: EventStore, overrides: Partial<EventStore>): EventStore => ({
  readStream: (streamId) => store.readStream(streamId),
  appendToStream: (streamId, events, expected) => store.appendToStream(streamId, events, expected),
  readAll: (options) => store.readAll(options),
  ping: () => store.ping(),
  close: () => store.close(),
  ...overrides,
});

/**
 * The real command API over real HTTP, on the real PostgreSQL event store in a fresh schema of
 * its own. `overrides` swap a dependency (a failing store, a Kafka that is down).
 */
export const startCommandApi = async (
  overrides: Partial<CommandApiOptions> & { wrapStore?: (store: EventStore, schema: TestSchema) => EventStore } = {},
): Promise<RunningCommandApi> => {
  const schema = await createTestSchema('command_api');
  await migrate(schema.pool);
  const store = new PostgresEventStore(schema.pool, { ownsPool: false });
  let now = new Date();
  const errorsLogged: unknown[] = [];
  const tokens = testTokens();
  const dataKey = randomBytes(32);
  const operator = await tokens.bearer('operator', 'test-operator');
  const { wrapStore, ...options } = overrides;
  const app = createCommandApi({
    store: wrapStore ? wrapStore(store, schema) : store,
    clock: () => now,
    newId: randomUUID,
    isKafkaUp: async () => true,
    readApiUrl,
    logError: (_message, error) => errorsLogged.push(error),
    verifyToken: tokens.verifyToken,
    dataKey,
    webhooks: { db: schema.pool, secrets: secretBox(dataKey), urlPolicy: { allowPrivate: false } },
    ...options,
  });
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const send = async (path: string, init: RequestInit): Promise<Answer> => {
    const response = await fetch(`${url}${path}`, withOperatorToken(init, operator));
    const text = await response.text();
    const json = /json/.test(response.headers.get('content-type') ?? '') && text !== '';
    return { status: response.status, headers: response.headers, body: json ? JSON.parse(text) : text };
  };
  return {
    url,
    store,
    tokens,
    dataKey,
    pool: schema.pool,
    errorsLogged,
    countEvents: async () => Number((await schema.pool.query('SELECT count(*) AS n FROM events')).rows[0].n),
    setNow: (instant) => {
      now = instant;
    },
    send,
    post: (path, body, headers = {}) =>
      send(path, {
        method: 'POST',
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    get: (path, headers = {}) => send(path, { method: 'GET', headers }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await schema.drop();
    },
  };
};

/** The request's own `authorization` if it names one (an empty one is dropped: no token); else the operator's. */
const withOperatorToken = (init: RequestInit, operator: Record<string, string>): RequestInit => {
  const headers = new Headers(init.headers);
  if (!headers.has('authorization')) return { ...init, headers: { ...operator, ...Object.fromEntries(headers) } };
  if (headers.get('authorization') === '') headers.delete('authorization');
  return { ...init, headers };
};

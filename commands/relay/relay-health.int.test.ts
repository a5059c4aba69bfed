import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { migrate } from '../../deploy/migrate.ts';
import { uniqueName } from '../../test/support/names.ts';
import { createTestSchema } from '../../test/support/postgres.ts';
import { deleteTopicsWithPrefix } from '../../test/support/topics.ts';
import { waitFor } from '../../test/support/wait.ts';
import { PostgresEventStore } from '../event-store/postgres/postgres-event-store.ts';
import { RelayCheckpoint } from './relay-checkpoint.ts';
import { relayLag } from './relay-lag.ts';

const test = suite('relay health and lag');
const root = new URL('../..', import.meta.url).pathname;

const restocked = (sku: string, onHand: number) => ({
  id: randomUUID(),
  type: 'StockRestocked',
  data: { sku, quantity: 1, onHand, available: onHand },
  metadata: { correlationId: sku, causationId: randomUUID() },
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

test('lag is read from the store and the checkpoint: events nobody published show, however dead the relay', async () => {
  const db = await createTestSchema('relay_lag');
  try {
    await migrate(db.pool);
    const store = new PostgresEventStore(db.pool);
    const checkpoint = new RelayCheckpoint(db.pool, 'relay');
    assert.equal(await relayLag(store, checkpoint), { events: 0, atLeast: false, seconds: 0 });
    const first = await store.appendToStream('inventory-a', [restocked('a', 1), restocked('a', 2)], 'no_stream');
    await store.appendToStream('inventory-b', [restocked('b', 1)], 'no_stream');
    const later = new Date(Date.now() + 5_000);
    const lag = await relayLag(store, checkpoint, { now: later, countLimit: 2 });
    assert.is(lag.events, 2);
    assert.ok(lag.atLeast, 'three waiting, counted up to the limit');
    assert.ok(lag.seconds >= 4, `the oldest has waited ~5 s, got ${lag.seconds}`);
    await checkpoint.save(first.position);
    assert.is((await relayLag(store, checkpoint)).events, 1);
  } finally {
    await db.drop();
  }
});

test('the relay process answers /health on its metrics port, with its dependencies and its lag', async () => {
  const db = await createTestSchema('relay_health');
  const prefix = `${uniqueName('relayhealth')}.`;
  const port = await freePort();
  await migrate(db.pool);
  const child = spawn(process.execPath, ['--import', 'tsx', 'commands/relay/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PGOPTIONS: `-c search_path=${db.schema}`,
      KAFKA_TOPIC_PREFIX: prefix,
      METRICS_PORT_RELAY: String(port),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const store = new PostgresEventStore(db.pool);
    await store.appendToStream('inventory-h', [restocked('h', 1)], 'no_stream');
    const health = await waitFor(
      async () => {
        const response = await fetch(`http://127.0.0.1:${port}/health`);
        const body = (await response.json()) as Record<string, unknown> & { lag: { events: number } };
        return response.status === 200 && body.lag.events === 0 ? body : undefined;
      },
      { what: 'a healthy relay with nothing left to publish', timeoutMs: 60_000 },
    );
    assert.equal(
      { ...health, lag: undefined },
      { service: 'relay', status: 'ok', postgres: 'up', store: 'up', kafka: 'up', publishing: 'up', lag: undefined },
    );
  } finally {
    child.kill('SIGTERM');
    await exited;
    await deleteTopicsWithPrefix(prefix);
    await db.drop();
  }
});

test.run();

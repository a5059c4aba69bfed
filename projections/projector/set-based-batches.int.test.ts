import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RecordedEvent } from '../../commands/event-store/event-store.ts';
import { migrate } from '../../deploy/migrate.ts';
import type { EventEnvelope } from '../../schemas/kafka-envelope.ts';
import { createTestSchema, type TestSchema } from '../../test/support/postgres.ts';
import { inventoryProjection } from '../inventory/inventory-projection.ts';
import { ordersProjection } from '../orders/orders-projection.ts';
import { paymentsProjection } from '../payments/payments-projection.ts';
import { inventoryHistory, orderHistory, paymentHistory } from '../rebuild/testing/event-mix.ts';
import type { Projection } from './projection.ts';
import { envelopeOf } from './testing/recorded-events.ts';

/**
 * The live projector writes a batch with one set-based statement per table (`applyBatch`); rebuilds and
 * the record-by-record fallback use `handle`, one event at a time. Both must leave identical rows, however
 * the events are cut into batches, and a batch applied again (a replay) must change nothing.
 */
const test = suite<{ db: TestSchema }>('set-based batches equal events applied one by one');

test.before.each(async (context) => {
  context.db = await createTestSchema('setbatch');
  await migrate(context.db.pool);
});

test.after.each(async (context) => {
  await context.db.drop();
});

interface Model {
  name: string;
  table: string;
  key: string;
  projection: (table: string) => Projection;
  /** Several streams' events, each stream in version order. */
  histories: (seed: number) => RecordedEvent[][];
}

const models: Model[] = [
  {
    name: 'orders',
    table: 'read_orders',
    key: 'order_id',
    projection: (table) => ordersProjection({ tables: { orders: table } }),
    histories: (seed) => Array.from({ length: 6 }, (_, n) => orderHistory(`s${seed}o${n}`, seed + n)),
  },
  {
    name: 'payments',
    table: 'read_payments',
    key: 'order_id',
    projection: (table) => paymentsProjection({ tables: { payments: table } }),
    histories: (seed) => Array.from({ length: 6 }, (_, n) => paymentHistory(`s${seed}p${n}`, seed + n)),
  },
  {
    name: 'inventory',
    table: 'read_inventory',
    key: 'sku',
    projection: (table) => inventoryProjection({ tables: { inventory: table } }),
    histories: (seed) => Array.from({ length: 3 }, (_, n) => inventoryHistory(`s${seed}k${n}`, seed + n, 4 + n * 3)),
  },
];

/** Streams interleaved as a partition would carry them: each stream keeps its order. */
const interleave = (streams: RecordedEvent[][], picks: number[]): RecordedEvent[] => {
  const queues = streams.map((events) => [...events]);
  const out: RecordedEvent[] = [];
  let pick = 0;
  while (queues.some((queue) => queue.length > 0)) {
    const open = queues.filter((queue) => queue.length > 0);
    out.push(open[(picks[pick++ % Math.max(1, picks.length)] ?? 0) % open.length]!.shift()!);
  }
  return out;
};

const rowsOf = async (db: TestSchema, table: string, key: string) =>
  (await db.pool.query(`SELECT * FROM ${table} ORDER BY ${key}`)).rows;

const inTransaction = async (db: TestSchema, work: (tx: import('pg').PoolClient) => Promise<void>) => {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    await work(client);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
};

for (const model of models) {
  test(`${model.name}: any cut into batches, with batches replayed, leaves the rows one-by-one leaves`, async ({
    db,
  }) => {
    const reference = `${model.table}_one_by_one`;
    await db.pool.query(`CREATE TABLE ${reference} (LIKE ${model.table} INCLUDING ALL)`);
    const batched = model.projection(model.table);
    const oneByOne = model.projection(reference);
    assert.ok(batched.applyBatch, `${model.name} has a set-based batch writer`);
    await fc.assert(
      fc.asyncProperty(
        fc.nat(1_000),
        fc.array(fc.nat(20), { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 30 }),
        async (seed, picks, cuts, replays) => {
          await db.pool.query(`TRUNCATE ${model.table}, ${reference}`);
          const events: EventEnvelope[] = interleave(model.histories(seed), picks).map(envelopeOf);
          await inTransaction(db, async (tx) => {
            for (const envelope of events) await oneByOne.handle(tx, envelope);
          });
          const batches: EventEnvelope[][] = [];
          for (let start = 0, cut = 0; start < events.length; cut++) {
            const size = cuts[cut % cuts.length]!;
            batches.push(events.slice(start, start + size));
            start += size;
          }
          for (const [index, batch] of batches.entries()) {
            await inTransaction(db, (tx) => batched.applyBatch!(tx, batch));
            // A redelivered earlier stretch (a rebalance, a restored offset): rows already past it stay as they are.
            if (replays[index % replays.length] && index > 0) {
              const again = batches.slice(Math.max(0, index - 2), index + 1).flat();
              await inTransaction(db, (tx) => batched.applyBatch!(tx, again));
            }
          }
          assert.equal(await rowsOf(db, model.table, model.key), await rowsOf(db, reference, model.key));
        },
      ),
      { numRuns: 25 },
    );
  });
}

test('a batch that meets no row (its first event was never applied) changes nothing, as one by one', async ({ db }) => {
  const projection = ordersProjection();
  const [, confirmed] = orderHistory('orphan', 3).map(envelopeOf);
  await inTransaction(db, (tx) => projection.applyBatch!(tx, [confirmed!]));
  assert.equal(await rowsOf(db, 'read_orders', 'order_id'), []);
});

test.run();

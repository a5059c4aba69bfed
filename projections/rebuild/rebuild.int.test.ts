import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RecordedEvent } from '../../commands/event-store/event-store.ts';
import { PostgresEventStore } from '../../commands/event-store/postgres/postgres-event-store.ts';
import { waitFor } from '../../test/support/wait.ts';
import { getOrder } from '../orders/order-queries.ts';
import { readPartitionOffsets } from '../projector/projection-offsets.ts';
import { envelopeOf } from '../projector/testing/recorded-events.ts';
import { TransactionalProjector } from '../projector/transactional-projector.ts';
import { getSaga } from '../sagas/saga-queries.ts';
import { foldEventOf } from './independent-fold.ts';
import { compareModels } from './model-checksum.ts';
import { RebuildError, rebuildReadModel } from './rebuild.ts';
import { tryLockRebuild } from './rebuild-lock.ts';
import { type RebuildTarget, rebuildTargetNamed, rebuildTargets } from './rebuild-targets.ts';
import { leftoverTables } from './shadow-tables.ts';
import { readTableModel } from './table-model.ts';
import { mixedHistories, orderHistory } from './testing/event-mix.ts';
import { createRebuildFixture, type RebuildFixture } from './testing/rebuild-fixture.ts';

const test = suite<{ fx: RebuildFixture }>('rebuild a read model into a shadow and swap it in');

test.before.each(async (context) => {
  context.fx = await createRebuildFixture('rebuild');
});

test.after.each(async (context) => {
  await context.fx.close();
});

const target = (name: string): RebuildTarget => rebuildTargetNamed(name)!;

const rebuild = (fx: RebuildFixture, name: string, extra: Partial<Parameters<typeof rebuildReadModel>[0]> = {}) =>
  rebuildReadModel({
    target: target(name),
    source: 'kafka',
    pool: fx.db.pool,
    kafka: fx.kafka,
    topicPrefix: fx.prefix,
    ...extra,
  });

const highWatermarks = async (fx: RebuildFixture, topic: string) => {
  const admin = fx.kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(`${fx.prefix}${topic}`))
      .map((p) => ({ topic: `${fx.prefix}${topic}`, partition: p.partition, nextOffset: p.high }))
      .sort((a, b) => a.partition - b.partition);
  } finally {
    await admin.disconnect();
  }
};

const indexNames = async (fx: RebuildFixture, table: string) =>
  (
    await fx.db.pool.query<{ name: string }>(
      'SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1 ORDER BY 1',
      [table],
    )
  ).rows.map((row) => row.name);

test('every PostgreSQL read model is rebuilt from Kafka, verified against the fold, and swapped in', async ({ fx }) => {
  const events = mixedHistories(120);
  // PostgreSQL refuses text with a NUL byte (SQLSTATE 22021): the projector dead-letters such an event.
  const refusedBySql = orderHistory('nul', 3).map((event) =>
    event.type === 'OrderPlaced' ? { ...event, data: { ...(event.data as object), customerId: 'c\u0000' } } : event,
  );
  // Redelivered records (the relay resending after a crash) and one record nobody can read.
  await fx.produce([...events, ...refusedBySql, ...events.slice(0, 40)]);
  await fx.producer.send({
    topic: `${fx.prefix}order-events`,
    messages: [{ key: 'order-garbage', value: Buffer.from('not avro'), headers: { 'event-type': 'OrderPlaced' } }],
  });
  const indexesBefore = await indexNames(fx, 'read_orders');

  for (const { name, table, topics } of rebuildTargets) {
    const report = await rebuild(fx, name);
    assert.ok(report.swapped, name);
    assert.ok(report.verification.matches, `${name}: ${JSON.stringify(report.verification.examples)}`);
    assert.ok(report.verification.actual.rows > 0, name);
    assert.equal(
      report.offsets.map((o) => ({ ...o, nextOffset: o.nextOffset })),
      (await highWatermarks(fx, topics[0]!)).map((o) => ({ ...o, nextOffset: o.nextOffset })),
      name,
    );
    const stored = await readPartitionOffsets(fx.db.pool, name);
    assert.equal(
      stored.map((p) => p.nextOffset.toString()),
      report.offsets.map((o) => o.nextOffset),
    );
    assert.equal(await leftoverTables(fx.db.pool, table), [], name);
    const live = await readTableModel(fx.db.pool, table, target(name).shape);
    assert.is(live.size, report.verification.expected.rows, name);
  }
  const orders = await rebuild(fx, 'orders', { dryRun: true });
  assert.is(orders.events.skipped, 2);
  assert.ok(orders.skippedRecords.every((record) => /order-events\/\d@\d+/.test(record.origin)));
  assert.ok(
    orders.skippedRecords.some((record) => /0x00|22021|invalid byte/i.test(record.reason)),
    JSON.stringify(orders.skippedRecords),
  );

  assert.equal(await indexNames(fx, 'read_orders'), indexesBefore);
  const constraint = await fx.db.pool.query(
    "SELECT 1 FROM pg_constraint WHERE conname = 'read_orders_pkey' AND conrelid = 'read_orders'::regclass",
  );
  assert.is(constraint.rowCount, 1);
  assert.is((await getOrder(fx.db.pool, 'o2'))?.status, 'cancelled');
  assert.is((await getOrder(fx.db.pool, 'o4'))?.payment.length, 2);
  assert.is((await getSaga(fx.db.pool, 'o1'))?.state, 'running');
  assert.is((await getSaga(fx.db.pool, 'o2'))?.state, 'compensated');
});

test('a rebuild from the store reads the global order and moves the offsets to where Kafka stood', async ({ fx }) => {
  const store = new PostgresEventStore(fx.db.pool);
  const events = mixedHistories(60);
  const byStream = new Map<string, RecordedEvent[]>();
  for (const event of events) byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event]);
  for (const [streamId, list] of byStream) {
    await store.appendToStream(
      streamId,
      list.map((e) => ({ id: e.id, type: e.type, data: e.data })),
      'no_stream',
    );
  }
  // Kafka holds only part of it: the relay is behind.
  await fx.produce(events.filter((e) => e.type.startsWith('Saga')).slice(0, 100));
  const head = await fx.db.pool.query<{ head: string; events: number }>(
    'SELECT max(position)::text AS head, count(*)::int AS events FROM events',
  );
  const report = await rebuild(fx, 'sagas', {
    source: 'store',
    store,
    storeHead: async () => ({ position: BigInt(head.rows[0]!.head), events: head.rows[0]!.events }),
  });
  assert.ok(report.swapped);
  assert.ok(report.verification.matches, JSON.stringify(report.verification.examples));
  assert.is(report.verification.actual.rows, 60);
  assert.is(report.events.read, events.length);
  assert.equal(
    report.offsets.map((o) => o.nextOffset),
    (await highWatermarks(fx, 'saga-events')).map((o) => o.nextOffset.toString()),
  );
  assert.is((await getSaga(fx.db.pool, 'o3'))?.state, 'completed');
});

test('what the live projector applies during the rebuild is caught up before the swap', async ({ fx }) => {
  const first = Array.from({ length: 150 }, (_, n) => orderHistory(`a${n}`, n)).flat();
  await fx.produce(first);
  const live = new TransactionalProjector({
    pool: fx.db.pool,
    brokers: fx.brokers,
    projection: target('orders').projection('read_orders', 'orders'),
    topicPrefix: fx.prefix,
    log: () => undefined,
  });
  await live.start();
  const appliedUpTo = async (count: number) => {
    const offsets = await readPartitionOffsets(fx.db.pool, 'orders');
    return offsets.reduce((sum, p) => sum + Number(p.nextOffset), 0) >= count;
  };
  try {
    await waitFor(() => appliedUpTo(first.length), { timeoutMs: 30_000, what: 'the live projector' });
    const later = Array.from({ length: 400 }, (_, n) => orderHistory(`b${n}`, n)).flat();
    const report = await rebuild(fx, 'orders', {
      afterVerified: async () => {
        await fx.produce(later);
        await waitFor(() => appliedUpTo(first.length + later.length), { timeoutMs: 30_000, what: 'live catching up' });
      },
    });
    assert.ok(report.swapped);
    assert.is(report.events.read, first.length, JSON.stringify(report.events) + JSON.stringify(report.offsets));
    assert.ok(report.events.caughtUp >= later.length, `caught up ${report.events.caughtUp}`);
    const rows = await fx.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM read_orders');
    assert.is(rows.rows[0]!.n, 550);
    // The live projector goes on writing into the swapped-in table.
    await fx.produce(orderHistory('c1', 3));
    await waitFor(async () => (await getOrder(fx.db.pool, 'c1'))?.status === 'confirmed', {
      timeoutMs: 30_000,
      what: 'an order applied after the swap',
    });
    // Rebuilt, caught up and carried on by the live projector: still exactly what the events say.
    const fold = target('orders').shape.newFold();
    for (const event of [...first, ...later, ...orderHistory('c1', 3)]) fold.apply(foldEventOf(envelopeOf(event)));
    const comparison = compareModels(
      await readTableModel(fx.db.pool, 'read_orders', target('orders').shape),
      fold.model(),
    );
    assert.ok(comparison.matches, JSON.stringify(comparison.examples));
  } finally {
    await live.stop();
  }
});

test('a shadow that disagrees with the fold is dropped and the live model stays as it was', async ({ fx }) => {
  await fx.produce(Array.from({ length: 50 }, (_, n) => orderHistory(`d${n}`, n)).flat());
  await fx.db.pool.query(
    `INSERT INTO read_orders (order_id, customer_id, status, items, total, currency, payment, created_at, updated_at, version)
     VALUES ('marker', 'c', 'pending', '[]', 1, 'EUR', '[]', now(), now(), 0)`,
  );
  const honest = target('orders');
  const sabotaged: RebuildTarget = {
    ...honest,
    projection: (table, name) => {
      const real = honest.projection(table, name);
      return {
        ...real,
        handle: async (tx, envelope) => {
          if (envelope.type === 'OrderConfirmed' && envelope.streamId.endsWith('3')) return;
          await real.handle(tx, envelope);
        },
      };
    },
  };
  try {
    await rebuild(fx, 'orders', { target: sabotaged });
    assert.unreachable('swapped a wrong shadow');
  } catch (error) {
    assert.instance(error, RebuildError);
    assert.is((error as RebuildError).kind, 'verification_failed');
    const report = (error as RebuildError).report!;
    assert.ok(report.verification.differing > 0);
    assert.match(report.verification.examples[0]!.expected ?? '', /confirmed/);
  }
  assert.equal(await leftoverTables(fx.db.pool, 'read_orders'), []);
  const rows = await fx.db.pool.query<{ order_id: string }>('SELECT order_id FROM read_orders');
  assert.equal(
    rows.rows.map((row) => row.order_id),
    ['marker'],
  );
  assert.equal(await readPartitionOffsets(fx.db.pool, 'orders'), []);
});

test('a dry run verifies and drops; a second rebuild of the same model is refused; an abort changes nothing', async ({
  fx,
}) => {
  await fx.produce(Array.from({ length: 400 }, (_, n) => orderHistory(`e${n}`, n)).flat());
  const dry = await rebuild(fx, 'orders', { dryRun: true });
  assert.ok(dry.verification.matches);
  assert.not.ok(dry.swapped);
  assert.is(dry.verification.actual.rows, 400);
  assert.is((await fx.db.pool.query('SELECT 1 FROM read_orders')).rowCount, 0);
  assert.equal(await leftoverTables(fx.db.pool, 'read_orders'), []);

  const holder = await fx.db.pool.connect();
  try {
    assert.ok(await tryLockRebuild(holder, 'orders'));
    try {
      await rebuild(fx, 'orders');
      assert.unreachable('two rebuilds at once');
    } catch (error) {
      assert.is((error as RebuildError).kind, 'busy');
    }
  } finally {
    await holder.query('SELECT pg_advisory_unlock_all()');
    holder.release();
  }

  const abort = new AbortController();
  try {
    await rebuild(fx, 'orders', {
      signal: abort.signal,
      onProgress: (progress) => {
        if (progress.phase === 'reading' && progress.done > 0) abort.abort();
      },
    });
    assert.unreachable('not interrupted');
  } catch (error) {
    assert.is((error as RebuildError).kind, 'interrupted', String(error));
  }
  assert.is((await fx.db.pool.query('SELECT 1 FROM read_orders')).rowCount, 0);
  assert.equal(await leftoverTables(fx.db.pool, 'read_orders'), []);
  assert.equal(await readPartitionOffsets(fx.db.pool, 'orders'), []);
});

test.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RecordedEvent } from '../commands/event-store/event-store.ts';
import { PostgresEventStore } from '../commands/event-store/postgres/postgres-event-store.ts';
import { readPartitionOffsets } from '../projections/projector/projection-offsets.ts';
import { TransactionalProjector } from '../projections/projector/transactional-projector.ts';
import { tryLockRebuild } from '../projections/rebuild/rebuild-lock.ts';
import { rebuildTargetNamed } from '../projections/rebuild/rebuild-targets.ts';
import { leftoverTables } from '../projections/rebuild/shadow-tables.ts';
import { inventoryHistory, orderHistory, paymentHistory } from '../projections/rebuild/testing/event-mix.ts';
import { createRebuildFixture, type RebuildFixture } from '../projections/rebuild/testing/rebuild-fixture.ts';
import { waitFor } from '../test/support/wait.ts';
import { type CliEnvironment, cliEnvironment, runCli } from './testing/run-cli.ts';

const test = suite<{ fx: RebuildFixture; env: CliEnvironment }>('orders-ops projections');

test.before.each(async (context) => {
  context.fx = await createRebuildFixture('ops_proj');
  context.env = cliEnvironment(context.fx.db.schema, context.fx.prefix);
});

test.after.each(async (context) => {
  await context.fx.close();
});

interface ListedProjection {
  name: string;
  store: string;
  status: string;
  consumers: number;
  lag: number;
  lastEventAt: string | null;
  partitions: { topic: string; partition: number; lag: number }[];
}

const ordersOf = (count: number, prefix: string): RecordedEvent[] =>
  Array.from({ length: count }, (_, n) => orderHistory(`${prefix}${n}`, n)).flat();

test('projections list: status, lag per partition and last event of every read model', async ({ fx, env }) => {
  await fx.produce([...ordersOf(40, 'l'), ...inventoryHistory('sku-l', 1, 8)]);
  const live = new TransactionalProjector({
    pool: fx.db.pool,
    brokers: fx.brokers,
    projection: rebuildTargetNamed('orders')!.projection('read_orders', 'orders'),
    topicPrefix: fx.prefix,
    log: () => undefined,
  });
  await live.start();
  const holder = await fx.db.pool.connect();
  try {
    await waitFor(
      async () =>
        (await readPartitionOffsets(fx.db.pool, 'orders')).reduce((sum, p) => sum + Number(p.nextOffset), 0) === 80,
      { timeoutMs: 30_000, what: 'the orders projector' },
    );
    assert.ok(await tryLockRebuild(holder, 'sagas'));
    const listed = await runCli(['projections', 'list', '--json'], env);
    assert.is(listed.code, 0, listed.stderr);
    const byName = new Map<string, ListedProjection>(
      listed.json().projections.map((p: ListedProjection) => [p.name, p]),
    );
    assert.equal([...byName.keys()], ['orders', 'inventory', 'payments', 'sagas', 'dashboard']);
    const named = (name: string): ListedProjection => {
      const projection = byName.get(name);
      if (!projection) throw new Error(`${name} is not listed`);
      return projection;
    };
    const orders = named('orders');
    assert.is(orders.status, 'running');
    assert.is(orders.consumers, 1);
    assert.is(orders.lag, 0);
    assert.ok(orders.lastEventAt);
    assert.is(orders.partitions.length, 4);
    assert.equal(
      orders.partitions.map((p) => p.topic),
      Array(4).fill(`${fx.prefix}order-events`),
    );
    assert.is(named('inventory').status, 'behind');
    assert.is(named('inventory').lag, 9);
    assert.is(named('payments').status, 'idle');
    assert.is(named('sagas').status, 'rebuilding');
    assert.is(named('dashboard').store, 'redis');
    assert.is(named('dashboard').lag, 89);

    const table = await runCli(['projections', 'list'], env);
    assert.is(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^PROJECTION\s+STORE\s+STATUS\s+LAG\s+LAST EVENT\s+CONSUMERS\s+LAG PER PARTITION$/);
    assert.match(
      lines[1]!,
      /^orders\s+postgres\s+running\s+0\s+\d{4}-\d\d-\d\dT[\d:.]+Z\s+1\s+order-events 0:0 1:0 2:0 3:0$/,
    );
    assert.match(lines[2]!, /^inventory\s+postgres\s+behind\s+9\s+-\s+0\s+inventory-events /);
    assert.is(table.stderr, '');
  } finally {
    await holder.query('SELECT pg_advisory_unlock_all()');
    holder.release();
    await live.stop();
  }
});

test('projections rebuild: dry run, from the store, a table for people and a document for scripts', async ({
  fx,
  env,
}) => {
  const payments = Array.from({ length: 60 }, (_, n) => paymentHistory(`s${n}`, n)).flat();
  const store = new PostgresEventStore(fx.db.pool);
  for (let n = 0; n < 60; n++) {
    const stream = payments.filter((event) => event.streamId === `payment-s${n}`);
    await store.appendToStream(
      `payment-s${n}`,
      stream.map((e) => ({ id: e.id, type: e.type, data: e.data })),
      'no_stream',
    );
  }
  await fx.produce(ordersOf(120, 'r'));

  const dry = await runCli(['projections', 'rebuild', 'orders', '--dry-run', '--json'], env);
  assert.is(dry.code, 0, dry.stderr);
  const report = dry.json();
  assert.is(report.ok, true);
  assert.is(report.swapped, false);
  assert.is(report.dryRun, true);
  assert.is(report.events.read, 240);
  assert.is(report.verification.matches, true);
  assert.is(report.verification.actual.rows, 120);
  assert.match(report.verification.actual.checksum, /^sha256:[0-9a-f]{64}$/);
  assert.is(report.verification.actual.checksum, report.verification.expected.checksum);
  assert.match(report.shadowTable, /^read_orders__shadow_[0-9a-f]{8}$/);
  assert.is((await fx.db.pool.query('SELECT 1 FROM read_orders')).rowCount, 0);
  assert.equal(await leftoverTables(fx.db.pool, 'read_orders'), []);
  // Without a terminal, progress comes as plain lines, each phase ending with its figures.
  assert.match(dry.stderr, /rebuild orders: reading 240\/240 events \(100%\), [\d,]+ events\/s/);
  assert.match(dry.stderr, /rebuild orders: verifying 120\/120 rows/);
  assert.not.match(dry.stderr, /\r/);

  const fromStore = await runCli(['projections', 'rebuild', 'payments', '--from', 'store'], env);
  assert.is(fromStore.code, 0, fromStore.stderr);
  assert.match(fromStore.stdout, /^rebuilt payments from store in [\d.]+ s \(run [0-9a-f]{8}\): swapped in$/m);
  assert.match(fromStore.stdout, /^ {2}rows {7}60 \(independent fold: 60\)$/m);
  assert.match(fromStore.stdout, /^ {2}checksum {3}sha256:[0-9a-f]{64} matches the fold$/m);
  const rows = await fx.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM read_payments');
  assert.is(rows.rows[0]!.n, 60);
  assert.equal(
    (await readPartitionOffsets(fx.db.pool, 'payments')).map((p) => p.nextOffset),
    [0n, 0n, 0n, 0n],
  );
});

test.run();

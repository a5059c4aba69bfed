import pg from 'pg';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RecordedEvent } from '../commands/event-store/event-store.ts';
import { readPartitionOffsets } from '../projections/projector/projection-offsets.ts';
import { TransactionalProjector } from '../projections/projector/transactional-projector.ts';
import { rebuildReadModel } from '../projections/rebuild/rebuild.ts';
import { rebuildTargetNamed } from '../projections/rebuild/rebuild-targets.ts';
import { leftoverTables } from '../projections/rebuild/shadow-tables.ts';
import { orderHistory } from '../projections/rebuild/testing/event-mix.ts';
import { createRebuildFixture, type RebuildFixture } from '../projections/rebuild/testing/rebuild-fixture.ts';
import { waitFor } from '../test/support/wait.ts';
import { cliEnvironment, runCli, startCli } from './testing/run-cli.ts';

const test = suite<{ fx: RebuildFixture }>('orders-ops projections rebuild while the model is live');

test.before.each(async (context) => {
  context.fx = await createRebuildFixture('ops_live');
});

test.after.each(async (context) => {
  await context.fx.close();
});

/** Every row of the table in one statement (one snapshot), digested. */
const digestOf = async (db: pg.Pool | pg.PoolClient) => {
  const { rows } = await db.query<{ n: number; digest: string }>(
    `SELECT count(*)::int AS n,
            md5(coalesce(string_agg(order_id || ':' || status || ':' || total || ':' || version, ',' ORDER BY order_id), '')) AS digest
       FROM read_orders`,
  );
  return `${rows[0]!.n}:${rows[0]!.digest}`;
};

/** What the concurrent readers ask, cheap enough to ask often: a partial or mixed model changes it. */
const countsOf = async (db: pg.Pool | pg.PoolClient) => {
  const { rows } = await db.query<{ figures: string }>(
    `SELECT count(*) || ':' || coalesce(sum(total), 0) || ':' || coalesce(sum(version), 0) || ':' || count(*) FILTER (WHERE status = 'confirmed') AS figures
       FROM read_orders`,
  );
  return rows[0]!.figures;
};

/** 50,000 orders: 100,000 events (placed, some confirmed, some cancelled). */
const hundredThousandEvents = (): RecordedEvent[] => {
  const events: RecordedEvent[] = [];
  for (let n = 0; events.length < 100_000; n++) {
    for (const event of orderHistory(`big${n}`, n)) if (events.length < 100_000) events.push(event);
  }
  return events;
};

const appliedCount = async (db: pg.Pool) =>
  (await readPartitionOffsets(db, 'orders')).reduce((sum, p) => sum + Number(p.nextOffset), 0);

test('100,000 events rebuilt while queries run: readers see the whole old model or the whole new one', async ({
  fx,
}) => {
  const testStarted = Date.now();
  const events = hundredThousandEvents();
  await fx.produce(events);
  // The live model is filled by the projector's own code (through the rebuild engine, which is quicker
  // than the live projector at this size); then the live projector runs, at the end of the topic.
  const filled = await rebuildReadModel({
    target: rebuildTargetNamed('orders')!,
    source: 'kafka',
    pool: fx.db.pool,
    kafka: fx.kafka,
    topicPrefix: fx.prefix,
  });
  assert.ok(filled.swapped);
  const live = new TransactionalProjector({
    pool: fx.db.pool,
    brokers: fx.brokers,
    projection: rebuildTargetNamed('orders')!.projection('read_orders', 'orders'),
    topicPrefix: fx.prefix,
    log: () => undefined,
  });
  await live.start();
  const readers = new pg.Pool({ ...fx.db.poolConfig, max: 1 });
  let reading = true;
  try {
    const built = await digestOf(fx.db.pool);
    const builtCounts = await countsOf(fx.db.pool);
    // A bug damaged the live model: what a rebuild is for. The live projector is still running.
    await fx.db.pool.query(`UPDATE read_orders SET total = total + 1 WHERE order_id LIKE '%7'`);
    const damaged = await countsOf(fx.db.pool);
    assert.is.not(damaged, builtCounts);
    const seededAt = Date.now();

    const seen = new Map<string, number>();
    const failures: string[] = [];
    const reader = async () => {
      while (reading) {
        try {
          const figures = await countsOf(readers);
          seen.set(figures, (seen.get(figures) ?? 0) + 1);
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    const loops = [reader()];
    const started = Date.now();
    const result = await runCli(
      ['projections', 'rebuild', 'orders', '--json'],
      cliEnvironment(fx.db.schema, fx.prefix),
    );
    const rebuildMs = Date.now() - started;
    await countsOf(readers).then((figures) => seen.set(figures, (seen.get(figures) ?? 0) + 1));
    reading = false;
    await Promise.all(loops);

    assert.is(result.code, 0, result.stderr);
    if (process.env.TEST_VERBOSE) console.log(result.stderr);
    const report = result.json();
    assert.is(report.events.read, 100_000);
    assert.is(report.verification.matches, true);
    assert.is(report.verification.actual.rows, 50_000);
    assert.equal(failures, []);
    assert.equal(
      [...seen.keys()].filter((figures) => figures !== damaged && figures !== builtCounts),
      [],
      'a reader saw a model that was neither the old nor the new one',
    );
    assert.ok((seen.get(damaged) ?? 0) > 0, 'no reader ran during the rebuild');
    assert.ok((seen.get(builtCounts) ?? 0) > 0);
    // The rebuilt model is the one the live model was before the damage.
    assert.is(await digestOf(fx.db.pool), built);
    assert.is(await appliedCount(fx.db.pool), 100_000);
    // The live projector, which ran all along, is not behind and still owns the partitions.
    assert.ok(live.groupId.endsWith('projector.orders'));
    assert.equal(await leftoverTables(fx.db.pool, 'read_orders'), []);
    console.log(
      `  seeded and filled the live model in ${seededAt - testStarted} ms; rebuilt in ${rebuildMs} ms with ${[...seen.values()].reduce((a, b) => a + b, 0)} reads alongside`,
    );
  } finally {
    reading = false;
    await readers.end();
    await live.stop();
  }
});

test('a rebuild interrupted with Ctrl-C leaves the live model and its offsets untouched and no shadow behind', async ({
  fx,
}) => {
  await fx.produce(Array.from({ length: 30_000 }, (_, n) => orderHistory(`int${n}`, n)).flat());
  await fx.db.pool.query(
    `INSERT INTO read_orders (order_id, customer_id, status, items, total, currency, payment, created_at, updated_at, version)
     VALUES ('live', 'c', 'confirmed', '[]', 1, 'EUR', '[]', now(), now(), 1)`,
  );
  await fx.db.pool.query(
    `INSERT INTO projection_offsets (projection, topic, partition, next_offset) VALUES ('orders', $1, 0, 7)`,
    [`${fx.prefix}order-events`],
  );
  const before = await digestOf(fx.db.pool);
  const cli = startCli(['projections', 'rebuild', 'orders'], cliEnvironment(fx.db.schema, fx.prefix));
  await cli.waitFor(/rebuild orders: reading/);
  await waitFor(
    async () => {
      const [shadow] = await leftoverTables(fx.db.pool, 'read_orders');
      if (!shadow) return false;
      const { rows } = await fx.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${shadow}"`);
      return rows[0]!.n > 0;
    },
    { timeoutMs: 60_000, what: 'rows in the shadow table' },
  );
  cli.child.kill('SIGINT');
  const result = await cli.done;
  assert.is(result.code, 130, result.stderr);
  assert.match(result.stderr, /orders-ops: interrupted: the live model is untouched and the shadow was dropped\n$/);
  assert.is(result.stdout, '');
  assert.is(await digestOf(fx.db.pool), before);
  assert.equal(await leftoverTables(fx.db.pool, 'read_orders'), []);
  assert.equal(
    (await readPartitionOffsets(fx.db.pool, 'orders')).map((p) => p.nextOffset),
    [7n],
  );
  // The next rebuild is not blocked by anything the interrupted one held.
  const again = await runCli(
    ['projections', 'rebuild', 'orders', '--dry-run', '--json'],
    cliEnvironment(fx.db.schema, fx.prefix),
  );
  assert.is(again.code, 0, again.stderr);
  assert.is(again.json().events.read, 60_000);
});

test.run();

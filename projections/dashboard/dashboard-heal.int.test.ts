import { Redis } from 'ioredis';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../deploy/config.ts';
import { migrate } from '../../deploy/migrate.ts';
import { uniqueName } from '../../test/support/names.ts';
import { createTestSchema, type TestSchema } from '../../test/support/postgres.ts';
import { waitFor } from '../../test/support/wait.ts';
import { dashboardSeededKey, healIfEmpty } from './dashboard-heal.ts';
import { dashboardKeys } from './dashboard-keys.ts';
import { defaultDashboardTtls } from './dashboard-projector.ts';

const context = { db: undefined as unknown as TestSchema, redis: undefined as unknown as Redis };
const test = suite('dashboard healer', context);
test.before(async (ctx) => {
  ctx.db = await createTestSchema('heal');
  await migrate(ctx.db.pool);
  ctx.redis = new Redis(loadConfig().redisUrl);
});
test.after(async ({ db, redis }) => {
  redis.disconnect();
  await db.drop();
});

const insertOrder = (db: TestSchema, orderId: string, status: string, version: number) =>
  db.pool.query(
    `INSERT INTO read_orders (order_id, customer_id, status, items, total, currency, payment, created_at, updated_at, version)
     VALUES ($1, 'c1', $2, '[{"sku":"sku-h","quantity":2}]', 100, 'EUR', '[]', now(), now(), $3)`,
    [orderId, status, version],
  );

const removeKeys = async (redis: Redis, prefix: string) => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
};

const heal = (ctx: typeof context, keyPrefix: string, lines: Record<string, unknown>[] = []) =>
  healIfEmpty({
    redis: ctx.redis,
    db: ctx.db.pool,
    keyPrefix,
    ttls: defaultDashboardTtls,
    log: (line) => lines.push(line),
  });

test('an empty Redis is rebuilt from the read models once, and says so', async (ctx) => {
  const prefix = `${uniqueName('heal')}:`;
  const ids = [uniqueName('o'), uniqueName('o'), uniqueName('o')];
  await insertOrder(ctx.db, ids[0]!, 'pending', 0);
  await insertOrder(ctx.db, ids[1]!, 'confirmed', 4);
  await insertOrder(ctx.db, ids[2]!, 'confirmed', 5);
  try {
    const lines: Record<string, unknown>[] = [];
    assert.ok(await heal(ctx, prefix, lines));
    const keys = dashboardKeys(prefix);
    const counts = await ctx.redis.hgetall(keys.ordersByStatus);
    assert.is(Number(counts.pending), 1);
    assert.is(Number(counts.confirmed), 2);
    assert.is(await ctx.redis.hget(keys.order(ids[1]!), 'version'), '4');
    assert.is(Number(await ctx.redis.zscore(keys.topSkus, 'sku-h')), 4);
    assert.ok(await ctx.redis.exists(dashboardSeededKey(prefix)));
    assert.ok(lines.some((line) => line.level === 'warn' && String(line.msg).includes('rebuilt')));
    assert.not.ok(await heal(ctx, prefix), 'the marker is there: nothing to rebuild');
  } finally {
    await ctx.db.pool.query('DELETE FROM read_orders WHERE order_id = ANY($1)', [ids]);
    await removeKeys(ctx.redis, prefix);
  }
});

/**
 * The counts and the entity versions must come from one moment. Orders are committed while the healer reads;
 * every order whose entity key (and version) it wrote must be in its counts, or the projector would skip that
 * order's event as already applied and the count would stay short for good.
 */
test('counts and entity versions come from one snapshot while orders keep arriving', async (ctx) => {
  const runId = uniqueName('race');
  let inserting = true;
  let inserted = 0;
  const inserter = (async () => {
    while (inserting) {
      await insertOrder(ctx.db, `${runId}-${inserted}`, 'pending', 0);
      inserted++;
    }
  })();
  try {
    await waitFor(() => inserted > 0, { what: 'the first order' });
    for (let round = 0; round < 25; round++) {
      const prefix = `${runId}-${round}:`;
      await heal(ctx, prefix);
      const keys = dashboardKeys(prefix);
      const counted = Object.values(await ctx.redis.hgetall(keys.ordersByStatus)).reduce(
        (sum, n) => sum + Number(n),
        0,
      );
      const entityKeys = (await ctx.redis.keys(`${prefix}order:*`)).length;
      assert.ok(entityKeys > 0, 'the orders inserted so far were seen');
      assert.ok(
        counted >= entityKeys,
        `round ${round}: ${entityKeys} orders have entity keys but only ${counted} are counted`,
      );
      await removeKeys(ctx.redis, prefix);
    }
  } finally {
    inserting = false;
    await inserter;
    await ctx.db.pool.query('DELETE FROM read_orders WHERE order_id LIKE $1', [`${runId}-%`]);
  }
});

test.run();

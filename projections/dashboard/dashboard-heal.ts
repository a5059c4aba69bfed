import type { Redis } from 'ioredis';
import type pg from 'pg';
import { dashboardKeys, minuteOf } from './dashboard-keys.ts';
import type { DashboardTtls } from './dashboard-scripts.ts';

/** Set once the dashboard's keys have been built; a Redis that comes back without it lost them. */
export const dashboardSeededKey = (prefix: string): string => `${prefix}dashboard:seeded`;

export interface DashboardHealOptions {
  redis: Redis;
  /** Where the PostgreSQL read models live. */
  db: pg.Pool;
  keyPrefix: string;
  ttls: DashboardTtls;
  log: (line: Record<string, unknown>) => void;
}

export interface DashboardHealer {
  /** Something may have emptied Redis (it reconnected): the next `ready()` checks. */
  suspect(): void;
  /** Resolves once the dashboard keys are known to be there (rebuilt if they were not). */
  ready(): Promise<void>;
}

/**
 * Redis here keeps nothing on disk, so a restart empties the dashboard. The projector's offsets live in Kafka
 * and have moved on, so replaying is not what brings the counters back: they are rebuilt from the PostgreSQL
 * read models (order and saga statuses, orders per minute, units sold), and the projector carries on from
 * there. Each entity's key gets the version its row reflects, so an event the projector applies again
 * afterwards changes nothing. Checked at start and after every reconnect, before the projector's next batch.
 */
export const dashboardHealer = (options: DashboardHealOptions): DashboardHealer => {
  let suspected = true;
  let checking: Promise<void> | undefined;
  return {
    suspect: () => {
      suspected = true;
    },
    ready: () => {
      if (!suspected) return Promise.resolve();
      checking ??= (async () => {
        try {
          await healIfEmpty(options);
          suspected = false;
        } finally {
          checking = undefined;
        }
      })();
      return checking;
    },
  };
};

/** Rebuilds the dashboard keys when the seeded marker is missing; true when it did. */
export const healIfEmpty = async ({ redis, db, keyPrefix, ttls, log }: DashboardHealOptions): Promise<boolean> => {
  const seeded = dashboardSeededKey(keyPrefix);
  if ((await redis.exists(seeded)) === 1) return false;
  const started = Date.now();
  const keys = dashboardKeys(keyPrefix);
  const [ordersByStatus, sagasByState, perMinute, sold, recentOrders, recentSagas] = await inOneSnapshot(
    db,
    (client) =>
      [
        client.query<{ status: string; count: string }>(
          'SELECT status, count(*) AS count FROM read_orders GROUP BY status',
        ),
        client.query<{ state: string; count: string }>(
          'SELECT state, count(*) AS count FROM read_sagas GROUP BY state',
        ),
        client.query<{ created_at: Date; count: string }>(
          `SELECT date_trunc('minute', created_at) AS created_at, count(*) AS count FROM read_orders
        WHERE created_at > now() - make_interval(secs => $1) GROUP BY 1`,
          [ttls.bucketSeconds],
        ),
        client.query<{ sku: string; units: string }>(
          `SELECT item->>'sku' AS sku, sum((item->>'quantity')::int) AS units
         FROM read_orders, jsonb_array_elements(items) AS item
        WHERE status = 'confirmed' GROUP BY 1`,
        ),
        client.query<{ order_id: string; status: string; version: string; updated_at: Date }>(
          `SELECT order_id, status, version, updated_at FROM read_orders WHERE updated_at > now() - make_interval(secs => $1)`,
          [ttls.entitySeconds],
        ),
        client.query<{ order_id: string; state: string; phase: string; version: string; updated_at: Date }>(
          `SELECT order_id, state, phase, version, updated_at FROM read_sagas WHERE updated_at > now() - make_interval(secs => $1)`,
          [ttls.entitySeconds],
        ),
      ] as const,
  );
  const write = redis.multi();
  write.del(keys.ordersByStatus, keys.sagasByState, keys.topSkus);
  for (const { status, count } of ordersByStatus.rows) write.hset(keys.ordersByStatus, status, count);
  for (const { state, count } of sagasByState.rows) write.hset(keys.sagasByState, state, count);
  for (const { created_at, count } of perMinute.rows) {
    write.set(keys.ordersPerMinute(minuteOf(created_at)), count, 'EX', ttls.bucketSeconds);
  }
  for (const { sku, units } of sold.rows) write.zadd(keys.topSkus, units, sku);
  for (const row of recentOrders.rows) {
    const key = keys.order(row.order_id);
    write.hset(key, 'status', row.status, 'version', row.version, 'updatedAt', row.updated_at.toISOString());
    write.expire(key, ttls.entitySeconds);
  }
  for (const row of recentSagas.rows) {
    const key = keys.saga(row.order_id);
    write.hset(
      key,
      'status',
      row.state,
      'phase',
      row.phase,
      'version',
      row.version,
      'updatedAt',
      row.updated_at.toISOString(),
    );
    write.expire(key, ttls.entitySeconds);
  }
  write.set(seeded, new Date().toISOString());
  const results = (await write.exec()) ?? [];
  const failure = results.find(([error]) => error)?.[0];
  if (failure) throw failure;
  log({
    level: 'warn',
    msg: 'dashboard keys were missing in Redis: rebuilt from the PostgreSQL read models',
    orders: recentOrders.rowCount,
    sagas: recentSagas.rowCount,
    durationMs: Date.now() - started,
  });
  return true;
};

/**
 * Runs the queries in one REPEATABLE READ snapshot. The counts and the entity versions must describe the same
 * moment: taken on separate pool connections, a count could miss an order whose entity key (and version) another
 * query saw, and the projector would then skip that order's event as already applied, leaving the count short
 * for good.
 */
const inOneSnapshot = async <T extends readonly Promise<unknown>[]>(
  db: pg.Pool,
  queries: (client: pg.PoolClient) => T,
): Promise<{ [K in keyof T]: Awaited<T[K]> }> => {
  const client = await db.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // pg queues a client's queries, so they run one after another inside the transaction.
    const results = await Promise.all(queries(client));
    await client.query('COMMIT');
    return results as { [K in keyof T]: Awaited<T[K]> };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
};

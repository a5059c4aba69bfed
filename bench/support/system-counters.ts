import type pg from 'pg';
import { withKafkaAdmin } from '../../deploy/kafka-admin.ts';

/**
 * Counts the system's work at one moment, so two snapshots divided by the orders settled between them give
 * the work per order: Kafka records produced per topic (one per event the relay published), records
 * consumed per consumer group, rows written per table of the system's schema, and transactions in the
 * database (database-wide: exact only on an otherwise quiet server).
 */
export interface CountersSnapshot {
  /** topic -> records (sum of the partitions' end offsets). */
  produced: Record<string, number>;
  /** Kafka consumer group -> records it has committed past. */
  consumed: Record<string, number>;
  /** PostgreSQL projection -> records it has applied (its offsets stored with its rows). */
  projected: Record<string, number>;
  /** table -> rows inserted, updated or deleted. */
  rowsWritten: Record<string, number>;
  transactions: number;
}

export interface CounterSources {
  brokers: string[];
  topicPrefix: string;
  schema: string;
  /** Groups of the benchmark itself, left out of `consumed`. */
  ignoreGroup: (groupId: string) => boolean;
  pool: pg.Pool;
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

export const snapshotCounters = async (sources: CounterSources): Promise<CountersSnapshot> => {
  const { produced, consumed } = await withKafkaAdmin(sources.brokers, async (admin) => {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(sources.topicPrefix));
    const produced: Record<string, number> = {};
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      produced[topic.slice(sources.topicPrefix.length)] = sum(offsets.map((p) => Number(p.high)));
    }
    const consumed: Record<string, number> = {};
    const { groups } = await admin.listGroups();
    for (const { groupId } of groups) {
      if (!groupId.startsWith(sources.topicPrefix) || sources.ignoreGroup(groupId)) continue;
      const committed = await admin.fetchOffsets({ groupId, topics });
      const total = sum(committed.flatMap((topic) => topic.partitions.map((p) => Math.max(0, Number(p.offset)))));
      consumed[groupId.slice(sources.topicPrefix.length)] = total;
    }
    return { produced, consumed };
  });
  const client = await sources.pool.connect();
  try {
    const projections = await client.query<{ projection: string; total: string }>(
      `SELECT projection, sum(next_offset)::text AS total FROM ${sources.schema}.projection_offsets GROUP BY projection`,
    );
    const projected = Object.fromEntries(projections.rows.map((row) => [row.projection, Number(row.total)]));
    const tables = await client.query<{ relname: string; written: string }>(
      `SELECT relname, (n_tup_ins + n_tup_upd + n_tup_del)::text AS written
         FROM pg_stat_user_tables WHERE schemaname = $1`,
      [sources.schema],
    );
    const rowsWritten = Object.fromEntries(tables.rows.map((row) => [row.relname, Number(row.written)]));
    const database = await client.query<{ transactions: string }>(
      `SELECT (xact_commit + xact_rollback)::text AS transactions FROM pg_stat_database WHERE datname = current_database()`,
    );
    return { produced, consumed, projected, rowsWritten, transactions: Number(database.rows[0]?.transactions ?? 0) };
  } finally {
    client.release();
  }
};

/** What happened between two snapshots, per settled order (entries that did not change are left out). */
export const countersPerOrder = (
  before: CountersSnapshot,
  after: CountersSnapshot,
  orders: number,
): {
  produced: Record<string, number>;
  consumed: Record<string, number>;
  projected: Record<string, number>;
  rowsWritten: Record<string, number>;
  transactions: number;
} => {
  const per = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(b)
        .map(([name, value]) => [name, orders > 0 ? (value - (a[name] ?? 0)) / orders : 0] as const)
        .filter(([, value]) => value !== 0)
        .map(([name, value]) => [name, Math.round(value * 100) / 100]),
    );
  return {
    produced: per(before.produced, after.produced),
    consumed: per(before.consumed, after.consumed),
    projected: per(before.projected, after.projected),
    rowsWritten: per(before.rowsWritten, after.rowsWritten),
    transactions: orders > 0 ? Math.round(((after.transactions - before.transactions) / orders) * 100) / 100 : 0,
  };
};

import type pg from 'pg';
import { PoisonMessageError } from '../../../platform/kafka/failure.ts';
import type { Projection } from '../projection.ts';

/**
 * A deliberately NOT idempotent projection for testing the runtime: each application of an event
 * adds one to its row's `applied_count`, so a double application shows as 2. An event whose data
 * has `sku: 'refused'` is refused for good.
 */
export const createCountingTable = async (pool: pg.Pool): Promise<void> => {
  await pool.query(`CREATE TABLE IF NOT EXISTS test_applied (
    event_id text PRIMARY KEY, stream_id text NOT NULL, version bigint NOT NULL, applied_count int NOT NULL)`);
};

export const countingProjection = (name: string, topics: readonly string[]): Projection => ({
  name,
  topics,
  handle: async (tx, envelope) => {
    if ((envelope.data as { sku?: string }).sku === 'refused') throw new PoisonMessageError('refused for good');
    await tx.query(
      `INSERT INTO test_applied (event_id, stream_id, version, applied_count) VALUES ($1, $2, $3, 1)
       ON CONFLICT (event_id) DO UPDATE SET applied_count = test_applied.applied_count + 1`,
      [envelope.eventId, envelope.streamId, envelope.streamVersion],
    );
  },
});

export const appliedCounts = async (pool: pg.Pool): Promise<Map<string, number>> => {
  const { rows } = await pool.query<{ event_id: string; applied_count: number }>(
    'SELECT event_id, applied_count FROM test_applied',
  );
  return new Map(rows.map((row) => [row.event_id, row.applied_count]));
};

import type pg from 'pg';
import type { Queryable } from './projection.ts';

/**
 * `projection_offsets` holds, per projection and topic partition, the offset of the next record to
 * apply. It is written in the same transaction as the rows, so it is the truth of what a read model
 * contains; the offsets committed to Kafka only spare re-reading records that would be skipped anyway.
 */
export interface PartitionPosition {
  topic: string;
  partition: number;
  nextOffset: bigint;
  /** `recordedAt` of the last event applied from this partition. */
  lastEventAt?: string;
}

/**
 * Locks the partition's row for the rest of the transaction (creating it at offset 0), so two
 * projector instances that both believe they own the partition (around a rebalance) apply its
 * records one after the other, and the second sees what the first committed.
 */
export const lockPartitionOffset = async (
  tx: pg.PoolClient,
  projection: string,
  topic: string,
  partition: number,
): Promise<bigint> => {
  const { rows } = await tx.query<{ next_offset: string }>(
    `INSERT INTO projection_offsets (projection, topic, partition, next_offset) VALUES ($1, $2, $3, 0)
     ON CONFLICT (projection, topic, partition) DO UPDATE SET next_offset = projection_offsets.next_offset
     RETURNING next_offset`,
    [projection, topic, partition],
  );
  return BigInt(rows[0]!.next_offset);
};

export const savePartitionOffset = async (
  tx: pg.PoolClient,
  projection: string,
  position: PartitionPosition,
): Promise<void> => {
  await tx.query(
    `UPDATE projection_offsets
        SET next_offset = $4, last_event_at = coalesce($5::timestamptz, last_event_at), updated_at = now()
      WHERE projection = $1 AND topic = $2 AND partition = $3`,
    [projection, position.topic, position.partition, position.nextOffset.toString(), position.lastEventAt ?? null],
  );
};

export const readPartitionOffsets = async (db: Queryable, projection: string): Promise<PartitionPosition[]> => {
  const { rows } = await db.query<{
    topic: string;
    partition: number;
    next_offset: string;
    last_event_at: Date | null;
  }>(
    'SELECT topic, partition, next_offset, last_event_at FROM projection_offsets WHERE projection = $1 ORDER BY topic, partition',
    [projection],
  );
  return rows.map((row) => ({
    topic: row.topic,
    partition: row.partition,
    nextOffset: BigInt(row.next_offset),
    ...(row.last_event_at ? { lastEventAt: row.last_event_at.toISOString() } : {}),
  }));
};

/** Forgets where a projection stands (its rows must be emptied with it): the next start re-applies everything. */
export const resetPartitionOffsets = async (db: Queryable, projection: string): Promise<void> => {
  await db.query('DELETE FROM projection_offsets WHERE projection = $1', [projection]);
};

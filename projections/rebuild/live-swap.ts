import type pg from 'pg';
import { sqlIdentifier } from '../projector/sql-identifier.ts';
import { type IndexCopy, swapTables } from './shadow-tables.ts';

/** Where the shadow stands on one partition: the next offset it would apply. */
export interface ShadowPosition {
  topic: string;
  partition: number;
  nextOffset: bigint;
  lastEventAt?: string;
}

export interface LiveSwap {
  projection: string;
  table: string;
  shadow: string;
  retired: string;
  indexes: readonly IndexCopy[];
  /** What the shadow consumed, per partition of the projection's topics. */
  positions: readonly ShadowPosition[];
  lockTimeoutMs: number;
  /**
   * Called inside the transaction once the live projector is held off, with what it applied beyond the
   * shadow: the caller applies those records to the shadow on `tx` and answers the positions reached.
   */
  catchUp(tx: pg.PoolClient, behind: ShadowPosition[]): Promise<ShadowPosition[]>;
  /** Checked just before the swap: true rolls everything back. */
  cancelled(): boolean;
}

export class SwapCancelled extends Error {
  constructor() {
    super('interrupted before the swap');
    this.name = 'SwapCancelled';
  }
}

const positionKey = (p: { topic: string; partition: number }) => `${p.topic}:${p.partition}`;

/**
 * The swap, in one transaction on `tx`:
 * 1. lock the live projection's `projection_offsets` rows (creating missing ones): its projector applies
 *    nothing more until the commit, since each of its batches starts by locking its partition's row;
 * 2. apply to the shadow whatever the live projector got further than the shadow (the caller's catchUp);
 * 3. take ACCESS EXCLUSIVE on the live table (readers queue for the few statements that follow),
 *    rename it away, drop it, rename the shadow and its indexes to the live names;
 * 4. set the live projection's offsets to what the shadow consumed.
 * Answers the offsets stored.
 */
export const swapIntoLive = async (tx: pg.PoolClient, swap: LiveSwap): Promise<ShadowPosition[]> => {
  await tx.query('BEGIN');
  try {
    await tx.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(swap.lockTimeoutMs))}`);
    const { rows } = await tx.query<{ topic: string; partition: number; next_offset: string }>(
      `INSERT INTO projection_offsets (projection, topic, partition, next_offset)
       SELECT $1, topic, partition, 0 FROM unnest($2::text[], $3::int[]) AS p(topic, partition)
       ORDER BY topic, partition
       ON CONFLICT (projection, topic, partition) DO UPDATE SET next_offset = projection_offsets.next_offset
       RETURNING topic, partition, next_offset`,
      [swap.projection, swap.positions.map((p) => p.topic), swap.positions.map((p) => p.partition)],
    );
    const live = new Map(rows.map((row) => [positionKey(row), BigInt(row.next_offset)]));
    const behind = swap.positions.filter((p) => (live.get(positionKey(p)) ?? 0n) > p.nextOffset);
    const reached = new Map(swap.positions.map((p) => [positionKey(p), p]));
    if (behind.length > 0) {
      const targets = behind.map((p) => ({ ...p, nextOffset: live.get(positionKey(p))! }));
      for (const position of await swap.catchUp(tx, targets)) reached.set(positionKey(position), position);
    }
    if (swap.cancelled()) throw new SwapCancelled();
    await tx.query(`LOCK TABLE ${sqlIdentifier(swap.table)} IN ACCESS EXCLUSIVE MODE`);
    await swapTables(tx, swap);
    const final = [...reached.values()];
    await tx.query(
      `UPDATE projection_offsets o
          SET next_offset = v.next_offset, last_event_at = coalesce(v.last_event_at, o.last_event_at), updated_at = now()
         FROM unnest($2::text[], $3::int[], $4::bigint[], $5::timestamptz[]) AS v(topic, partition, next_offset, last_event_at)
        WHERE o.projection = $1 AND o.topic = v.topic AND o.partition = v.partition`,
      [
        swap.projection,
        final.map((p) => p.topic),
        final.map((p) => p.partition),
        final.map((p) => p.nextOffset.toString()),
        final.map((p) => p.lastEventAt ?? null),
      ],
    );
    await tx.query('COMMIT');
    return final;
  } catch (error) {
    await tx.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
};

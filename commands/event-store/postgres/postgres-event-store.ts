import type pg from 'pg';
import { createPool, type PoolSettings } from '../../../platform/postgres.ts';
import type {
  AppendResult,
  EventStore,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
} from '../event-store.ts';
import { appendToStream } from './append-to-stream.ts';
import { GroupCommit } from './group-commit.ts';
import { type RecordedEventRow, recordedEventColumns, toRecordedEvent } from './recorded-event-row.ts';

export interface PostgresEventStoreOptions {
  /**
   * Whether `close()` ends the pool. Defaults to false: a pool handed in is borrowed, and its owner ends it.
   * `fromConnectionString` opens a pool of the store's own and sets it.
   */
  ownsPool?: boolean;
  /**
   * Whether concurrent appends share one round trip and one transaction (docs/event-store.md, "Group
   * commit"). Defaults to true; false sends every append as its own transaction.
   */
  groupCommit?: boolean;
}

/**
 * The event store on PostgreSQL (tables from deploy/migrations/001_event_store.sql, in the pool's
 * search_path schema). docs/event-store.md explains how appends stay atomic and idempotent and why
 * `readAll` never skips an event.
 */
export class PostgresEventStore implements EventStore {
  private readonly ownsPool: boolean;
  private readonly groupCommit: GroupCommit | undefined;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    { ownsPool = false, groupCommit = true }: PostgresEventStoreOptions = {},
  ) {
    this.ownsPool = ownsPool;
    this.groupCommit = groupCommit ? new GroupCommit(pool) : undefined;
  }

  /** A store with a pool of its own (platform/postgres.ts: error handlers, timeouts), which `close()` ends. */
  static fromConnectionString(
    connectionString: string,
    pool: Partial<Omit<PoolSettings, 'connectionString'>> = {},
  ): PostgresEventStore {
    return new PostgresEventStore(createPool({ name: 'event-store', ...pool, connectionString }), { ownsPool: true });
  }

  appendToStream(streamId: string, events: NewEvent[], expected: ExpectedVersion): Promise<AppendResult> {
    if (this.groupCommit) return this.groupCommit.append(streamId, events, expected);
    return appendToStream(this.pool, streamId, events, expected);
  }

  async readStream(streamId: string, { fromVersion = 0 }: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<RecordedEventRow>({
      name: 'event_store_read_stream',
      text: `SELECT ${recordedEventColumns} FROM events WHERE stream_id = $1 AND version >= $2 ORDER BY version`,
      values: [streamId, fromVersion],
    });
    return rows.map(toRecordedEvent);
  }

  /**
   * Stops below the oldest event-store writer still running (deploy/migrations/006): every transaction
   * that appends takes the writer lock before it gets its id, and positions sort by transaction id, so
   * nothing can still appear below what this returns. Transactions that do not append (projectors,
   * other applications) hold nothing back. Two statements on purpose: the events are read with a
   * snapshot taken after the horizon was computed, so a writer that finished in between is visible.
   */
  async readAll({ after, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be an integer >= 1, got ${limit}`);
    const horizon = await this.pool.query<{ horizon: string }>({
      name: 'event_store_read_horizon',
      text: 'SELECT event_store_read_horizon()::text AS horizon',
    });
    const { rows } = await this.pool.query<RecordedEventRow>({
      name: 'event_store_read_all',
      text: `SELECT ${recordedEventColumns} FROM events
             WHERE position > $1
               AND position < ($3::bigint << 16)
               AND transaction_id < $3::text::xid8
             ORDER BY position
             LIMIT $2`,
      values: [after.toString(), limit, horizon.rows[0]!.horizon],
    });
    return rows.map(toRecordedEvent);
  }

  async ping(): Promise<boolean> {
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Appends already queued still get their answers before an owned pool goes.
    await this.groupCommit?.settled();
    if (this.ownsPool) await this.pool.end();
  }
}

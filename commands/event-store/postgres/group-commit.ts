import { ServiceUnavailable } from '../../../platform/unavailable.ts';
import type { AppendResult, ExpectedVersion, NewEvent } from '../event-store.ts';
import {
  type AppendRow,
  appendResultOf,
  appendToStream,
  encodeExpected,
  maxEventsPerAppend,
  type Queryable,
  toStoredShape,
  validateAppend,
} from './append-to-stream.ts';

/** Most appends one batch carries: one transaction then holds at most this many stream locks. */
export const maxAppendsPerBatch = 256;

/**
 * Most appends waiting for their batch. While PostgreSQL is slow or away the queue would otherwise grow with
 * every request (and the memory with it); past this an append is refused at once as `capacity` unavailable
 * (503 + Retry-After at the API), which is what the caller would get after waiting anyway.
 */
export const maxQueuedAppends = 10_000;

interface BatchRow extends AppendRow {
  append_index: number;
}

export interface GroupCommitOptions {
  /** Most appends per batch; defaults to `maxAppendsPerBatch`. */
  maxAppends?: number;
  /** Send a batch of one append through `event_store_append_batch` too (tests of that function). */
  loneAppendsAsBatches?: boolean;
  /** Most appends waiting; defaults to `maxQueuedAppends`. */
  maxQueued?: number;
}

interface QueuedAppend {
  streamId: string;
  events: NewEvent[];
  expected: ExpectedVersion;
  /** The append as `event_store_append_batch` reads it, serialised once, in the caller's call. */
  json: string;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/**
 * Application-level group commit: appends that arrive while a batch is at the server wait, and go together
 * as the next batch when it returns — one round trip, one transaction, one WAL flush for all of them
 * (`event_store_append_batch`, deploy/migrations/004_event_store_append_batch.sql). No timer: an append
 * that finds nothing in flight leaves at once, so a lone writer waits for nothing. One batch is in flight
 * at a time. docs/event-store.md ("Group commit") states what callers can rely on.
 */
export class GroupCommit {
  private readonly queue: QueuedAppend[] = [];
  private draining: Promise<void> | undefined;
  private readonly maxAppends: number;
  private readonly loneAppendsAsBatches: boolean;
  private readonly maxQueued: number;

  constructor(
    private readonly db: Queryable,
    {
      maxAppends = maxAppendsPerBatch,
      loneAppendsAsBatches = false,
      maxQueued = maxQueuedAppends,
    }: GroupCommitOptions = {},
  ) {
    this.maxAppends = maxAppends;
    this.loneAppendsAsBatches = loneAppendsAsBatches;
    this.maxQueued = maxQueued;
  }

  append(streamId: string, events: NewEvent[], expected: ExpectedVersion): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      validateAppend(streamId, events, expected);
      if (this.queue.length >= this.maxQueued) {
        throw new ServiceUnavailable('capacity', `${this.queue.length} appends already wait for the event store`);
      }
      const json = JSON.stringify({
        stream: streamId,
        expected: encodeExpected(expected),
        events: events.map(toStoredShape),
      });
      this.queue.push({ streamId, events, expected, json, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /** Resolves once every append queued so far has its answer. */
  async settled(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        // One turn of the event loop: appends made in the same tick, and the next appends of the callers the
        // last batch just answered, join this batch instead of trailing behind it in one of their own.
        await new Promise((resolve) => setImmediate(resolve));
        const batch = this.takeBatch();
        if (batch.length === 0) return;
        await this.send(batch);
      }
    } finally {
      this.draining = undefined;
    }
  }

  /** The longest head of the queue within the caps; positions allow 65,536 events per transaction. */
  private takeBatch(): QueuedAppend[] {
    let count = 0;
    let events = 0;
    while (count < this.queue.length && count < this.maxAppends) {
      const size = this.queue[count]!.events.length;
      if (count > 0 && events + size > maxEventsPerAppend) break;
      events += size;
      count++;
    }
    return this.queue.splice(0, count);
  }

  /** Settles every append of the batch; never throws. */
  private async send(batch: QueuedAppend[]): Promise<void> {
    // A batch of one is a plain append: event_store_append applies the same rules with less work.
    if (batch.length === 1 && !this.loneAppendsAsBatches) return this.appendOneByOne(batch);
    let rows: BatchRow[];
    try {
      ({ rows } = await this.db.query<BatchRow>({
        name: 'event_store_append_batch',
        text: 'SELECT append_index, outcome, stream_version, last_position, detail FROM event_store_append_batch($1)',
        values: [`[${batch.map((append) => append.json).join(',')}]`],
      }));
    } catch (error) {
      if (causedByContent(error)) await this.appendOneByOne(batch);
      else for (const append of batch) append.reject(error);
      return;
    }
    batch.forEach((append, index) => {
      try {
        const row = rows[index];
        if (row?.append_index !== index + 1) throw new Error(`event_store_append_batch: no answer for append ${index}`);
        append.resolve(appendResultOf(append.streamId, append.expected, row));
      } catch (error) {
        append.reject(error);
      }
    });
  }

  /**
   * Each append on its own through `event_store_append`. After a batch failed on its content nothing of it
   * was written, and this way only the append at fault sees the error. Streams run side by side, one
   * stream's appends in request order.
   */
  private async appendOneByOne(batch: QueuedAppend[]): Promise<void> {
    const byStream = new Map<string, QueuedAppend[]>();
    for (const append of batch) byStream.set(append.streamId, [...(byStream.get(append.streamId) ?? []), append]);
    await Promise.all(
      [...byStream.values()].map(async (appends) => {
        for (const append of appends) {
          await appendToStream(this.db, append.streamId, append.events, append.expected).then(
            append.resolve,
            append.reject,
          );
        }
      }),
    );
  }
}

/**
 * Errors one append's content can cause (SQLSTATE classes 22 data exception, e.g. U+0000 in a string;
 * 23 integrity constraint violation, e.g. a row a writer inserted bypassing the function; 54 program limit
 * exceeded). The server answered, so the batch's transaction rolled back. Anything else — a lost
 * connection, a deadlock, a serialization failure, a timeout — is the transaction's, and every append of
 * the batch gets it.
 */
const causedByContent = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && ['22', '23', '54'].includes(code.slice(0, 2));
};

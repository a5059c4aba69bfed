import {
  ANY,
  type AppendExpectedRevision,
  BACKWARDS,
  END,
  WrongExpectedVersionError as EsdbWrongExpectedVersionError,
  EventStoreDBClient,
  NO_STREAM,
  type ReadPosition,
  START,
  type StreamingRead,
  StreamNotFoundError,
} from '@eventstore/db-client';
import { checkAppendArguments } from '../append-arguments.ts';
import {
  type AppendResult,
  type EventStore,
  type ExpectedVersion,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  WrongExpectedVersionError,
} from '../event-store.ts';
import { isSystemEvent, knownPosition, positionOf, toEventData, toRecordedEvent } from './esdb-recorded-event.ts';

export interface EsdbEventStoreOptions {
  /** Whether `close()` disposes the client. False for a client the caller shares and disposes itself. */
  ownsClient?: boolean;
}

/** `$all` pages read at least this many records, so a run of system events costs few round trips. */
const minimumPageSize = 100;
const pingTimeoutMs = 2_000;

/**
 * The event store on EventStoreDB (gRPC client 6.x, server 22.10 or later). docs/eventstoredb.md says
 * how the port maps onto the server and where the server's idempotency differs from PostgreSQL's.
 */
export class EsdbEventStore implements EventStore {
  readonly #client: EventStoreDBClient;
  readonly #ownsClient: boolean;
  #closed = false;

  constructor(client: EventStoreDBClient, { ownsClient = false }: EsdbEventStoreOptions = {}) {
    this.#client = client;
    this.#ownsClient = ownsClient;
  }

  /** A store with a client of its own (`esdb://host:2113?tls=false`), which `close()` disposes. */
  static fromConnectionString(url: string): EsdbEventStore {
    return new EsdbEventStore(EventStoreDBClient.connectionString(url), { ownsClient: true });
  }

  async appendToStream(streamId: string, events: NewEvent[], expected: ExpectedVersion): Promise<AppendResult> {
    validateAppend(streamId, events, expected);
    // The server's answer to an empty append varies with the expected revision; check it here instead.
    if (events.length === 0) return this.#checkWithoutWriting(streamId, expected);
    let reported: bigint | 'no_stream' | undefined;
    try {
      const result = await this.#client.appendToStream(streamId, events.map(toEventData), {
        expectedRevision: toExpectedRevision(expected),
      });
      if (result.success) {
        const lastRevision = result.nextExpectedRevision;
        const position = knownPosition(result.position) ?? (await this.#positionAt(streamId, lastRevision));
        return { nextExpectedVersion: Number(lastRevision), position };
      }
      // Only with `throwOnAppendFailure=false` in the connection string.
    } catch (error) {
      if (!(error instanceof EsdbWrongExpectedVersionError)) throw error;
      reported = error.actualVersion;
    }
    return this.#resolveConflict(streamId, events, expected, reported);
  }

  /**
   * The server itself answers a retry with the same expected revision as a success. This is the safety
   * net for a conflict reported although every event of the batch is stored, in order, in this stream:
   * a re-sent batch is answered by its ids, whatever the server's idempotency check made of it. It costs
   * one stream read, only on a conflict.
   */
  async #resolveConflict(
    streamId: string,
    events: NewEvent[],
    expected: ExpectedVersion,
    reported: bigint | 'no_stream' | undefined,
  ): Promise<AppendResult> {
    const stream = await this.readStream(streamId);
    const ids = events.map((event) => event.id.toLowerCase());
    const start = stream.findIndex((event) => event.id.toLowerCase() === ids[0]);
    const run = start < 0 ? [] : stream.slice(start, start + ids.length);
    if (run.length === ids.length && run.every((event, index) => event.id.toLowerCase() === ids[index])) {
      const last = run.at(-1)!;
      return { nextExpectedVersion: last.version, position: last.position };
    }
    const current = reported ?? (stream.length > 0 ? BigInt(stream.length - 1) : 'no_stream');
    throw new WrongExpectedVersionError(streamId, expected, current === 'no_stream' ? current : Number(current));
  }

  async #checkWithoutWriting(streamId: string, expected: ExpectedVersion): Promise<AppendResult> {
    const last = await this.#lastEvent(streamId);
    const current = last?.version ?? -1;
    const matches = expected === 'any' || (expected === 'no_stream' ? current === -1 : expected === current);
    if (!matches) throw new WrongExpectedVersionError(streamId, expected, last ? current : 'no_stream');
    return { nextExpectedVersion: current, position: last?.position ?? -1n };
  }

  async #lastEvent(streamId: string, fromRevision: bigint | typeof END = END): Promise<RecordedEvent | undefined> {
    try {
      const [last] = await drain(
        this.#client.readStream(streamId, { direction: BACKWARDS, fromRevision, maxCount: 1 }),
      );
      return last && toRecordedEvent(last);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return undefined;
      throw error;
    }
  }

  /** Servers before v22 leave the position out of an idempotent answer; the event itself carries it. */
  async #positionAt(streamId: string, revision: bigint): Promise<bigint> {
    return (await this.#lastEvent(streamId, revision))?.position ?? -1n;
  }

  async readStream(streamId: string, { fromVersion = 0 }: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const fromRevision = fromVersion > 0 ? BigInt(fromVersion) : START;
    try {
      return (await drain(this.#client.readStream(streamId, { fromRevision }))).map(toRecordedEvent);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  /**
   * `$all` in log order, leaving out the server's own events. The log is written by a single writer and
   * read only up to what is committed and indexed, so no position can later appear below one returned.
   * Reading from a position includes the event at it, hence the strict comparison with the cursor.
   */
  async readAll({ after, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be an integer >= 1, got ${limit}`);
    const found: RecordedEvent[] = [];
    const pageSize = Math.max(limit + 1, minimumPageSize);
    let cursor = after;
    for (;;) {
      const fromPosition: ReadPosition = cursor <= 0n ? START : { commit: cursor, prepare: cursor };
      const page = await drain(this.#client.readAll({ fromPosition, maxCount: pageSize }));
      const pageStart = cursor;
      for (const resolved of page) {
        const position = positionOf(resolved);
        if (position === undefined || position <= cursor || !resolved.event) continue;
        cursor = position;
        if (isSystemEvent(resolved.event)) continue;
        found.push(toRecordedEvent(resolved));
        if (found.length === limit) return found;
      }
      if (page.length < pageSize) return found;
      if (cursor === pageStart) {
        throw new Error(`$all holds more than ${pageSize} records at position ${cursor} (an explicit transaction?)`);
      }
    }
  }

  async ping(): Promise<boolean> {
    if (this.#closed) return false;
    const read = this.#client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 });
    const answered = drain(read).then(
      () => true,
      () => false,
    );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), pingTimeoutMs);
    });
    const alive = await Promise.race([answered, timedOut]);
    clearTimeout(timer);
    if (!alive) void read.cancel().catch(() => undefined);
    return alive;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsClient) await this.#client.dispose();
  }
}

/**
 * Reads to the end. A read abandoned half-way keeps its gRPC call open with unread messages, and the
 * client's `dispose()` then waits for it forever; so every read here is bounded and consumed whole.
 */
const drain = async <T>(read: StreamingRead<T>): Promise<T[]> => {
  const items: T[] = [];
  for await (const item of read) items.push(item as T);
  return items;
};

const toExpectedRevision = (expected: ExpectedVersion): AppendExpectedRevision => {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream') return NO_STREAM;
  return BigInt(expected);
};

/** The same refusals as the PostgreSQL store, before anything reaches the server. */
const validateAppend = (streamId: string, events: NewEvent[], expected: ExpectedVersion): void =>
  checkAppendArguments(streamId, events, expected, {
    duplicateId: (stream, detail) => new TypeError(`stream ${stream}: ${detail}`),
  });

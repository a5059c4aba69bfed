import type { EventStore, RecordedEvent } from '../../commands/event-store/event-store.ts';
import { describeError } from '../../platform/kafka/failure.ts';
import { isKnownEventType, topicFor } from '../../schemas/event-catalog.ts';
import { fromKafkaMessage, toKafkaMessage } from '../../schemas/kafka-envelope.ts';
import type { SourceRecord } from './shadow-batch.ts';

/** The store's last position when the rebuild starts, and how many events lie up to it. */
export interface StoreHead {
  position: bigint;
  events: number;
}

export interface StoreReadOptions {
  store: EventStore;
  /** Undefined: read until the store has nothing more to give. */
  head: StoreHead | undefined;
  /** Topics (without prefix) whose events the read model takes. */
  topics: readonly string[];
  lanes: number;
  pageSize?: number;
  signal?: AbortSignal;
  /** Events of one lane, in global order; lanes split by stream, so each stream stays in order. */
  apply(lane: number, records: SourceRecord[]): Promise<void>;
  /** Store events read so far (all types). */
  onRead(count: number): void;
}

const laneOf = (streamId: string, lanes: number): number => {
  let hash = 2166136261;
  for (let index = 0; index < streamId.length; index++) {
    hash ^= streamId.charCodeAt(index);
    hash = Math.imul(hash, 16777619);
  }
  return (hash >>> 0) % lanes;
};

/** Through the same Avro encoding the relay uses, so the handler sees exactly what Kafka would carry. */
const recordOf = (event: RecordedEvent): SourceRecord => {
  const origin = `${event.streamId}@${event.version} (position ${event.position})`;
  try {
    const message = toKafkaMessage(event);
    return { origin, envelope: fromKafkaMessage({ value: message.value as Buffer, headers: message.headers }) };
  } catch (error) {
    return { origin, unreadable: describeError(error) };
  }
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads the store's global order (`readAll`) from the beginning up to the head, hands the read model's
 * events to lanes and waits for every lane before the next page (the following page is fetched meanwhile).
 * `readAll` holds back positions a running transaction may still fill, so below the head it may answer
 * nothing for a moment: the read waits for it instead of stopping short.
 */
export const readStoreInLanes = async ({
  store,
  head,
  topics,
  lanes,
  pageSize = 2_000,
  signal,
  apply,
  onRead,
}: StoreReadOptions): Promise<void> => {
  let after = -1n;
  let read = 0;
  // A page fetched ahead and then abandoned (interrupted, failed) must not become an unhandled rejection.
  const fetchPage = () => {
    const page = store.readAll({ after, limit: pageSize });
    page.catch(() => undefined);
    return page;
  };
  let next = fetchPage();
  for (;;) {
    if (signal?.aborted) return;
    const page = await next;
    const wanted = head === undefined ? page : page.filter((event) => event.position <= head.position);
    const last = page.at(-1);
    const finished =
      head === undefined
        ? page.length === 0
        : wanted.length < page.length || (last !== undefined && last.position >= head.position);
    if (wanted.length === 0 && !finished) {
      if (head !== undefined && after >= head.position) return;
      await pause(50);
      next = fetchPage();
      continue;
    }
    if (last && !finished) {
      after = last.position;
      next = fetchPage();
    }
    const byLane: SourceRecord[][] = Array.from({ length: lanes }, () => []);
    for (const event of wanted) {
      if (isKnownEventType(event.type) && topics.includes(topicFor(event.type))) {
        byLane[laneOf(event.streamId, lanes)]!.push(recordOf(event));
      }
    }
    await Promise.all(byLane.map((records, lane) => (records.length > 0 ? apply(lane, records) : undefined)));
    read += wanted.length;
    onRead(read);
    if (finished) return;
  }
};

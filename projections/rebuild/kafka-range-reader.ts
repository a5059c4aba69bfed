import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';

/** Records `[from, to)` of one topic partition. */
export interface PartitionRange {
  topic: string;
  partition: number;
  from: bigint;
  to: bigint;
}

export type RangeBatchHandler = (topic: string, partition: number, messages: KafkaMessage[]) => Promise<void>;

interface Cursor {
  next: bigint;
  to: bigint;
}

export class ReadAborted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'ReadAborted';
  }
}

const key = (topic: string, partition: number) => `${topic}:${partition}`;

/**
 * Reads exact offset ranges of topics, then stops. kafkajs only consumes as a group member, so the
 * reader joins a group of its own (deleted on close), seeks each partition to the start of its range,
 * pauses it once the end is reached, and never commits an offset. `read` can be called again on the
 * same reader with further ranges (a rebuild catching up with what arrived meanwhile).
 */
export class KafkaRangeReader {
  private readonly consumer: Consumer;
  private readonly cursors = new Map<string, Cursor>();
  private running = false;
  private handler: RangeBatchHandler | undefined;
  private failure: unknown;
  private inFlight = 0;
  private wake: (() => void) | undefined;
  /** kafkajs may hand over a partition's next batch before the previous one is handled: one at a time. */
  private readonly partitionTurns = new Map<string, Promise<void>>();

  constructor(
    private readonly options: {
      kafka: Kafka;
      groupId: string;
      topics: readonly string[];
      /** Partitions handled side by side. */
      concurrency?: number;
    },
  ) {
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      maxWaitTimeInMs: 100,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
    });
  }

  /** Resolves once every range was handed to `handle` (and every handler finished). */
  async read(ranges: readonly PartitionRange[], handle: RangeBatchHandler, signal?: AbortSignal): Promise<void> {
    this.handler = handle;
    this.failure = undefined;
    for (const range of ranges) this.cursors.set(key(range.topic, range.partition), { next: range.from, to: range.to });
    if (!this.running) await this.start();
    const open = ranges.filter((range) => range.from < range.to);
    for (const range of open)
      this.consumer.seek({ topic: range.topic, partition: range.partition, offset: range.from.toString() });
    this.consumer.resume(open.map((range) => ({ topic: range.topic, partitions: [range.partition] })));
    const onAbort = () => this.wake?.();
    signal?.addEventListener('abort', onAbort);
    try {
      while (!signal?.aborted && this.failure === undefined && !this.allDone()) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
      this.pauseAll();
      while (this.inFlight > 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.handler = undefined;
    }
    if (this.failure !== undefined) throw this.failure;
    if (signal?.aborted) throw new ReadAborted();
  }

  async close(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.consumer.disconnect();
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      await admin.deleteGroups([this.options.groupId]);
    } catch {
      // A group Kafka has not forgotten yet is removed by its retention; nothing depends on it.
    } finally {
      await admin.disconnect();
    }
  }

  private async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.concurrency ?? 4,
      eachBatch: (payload) => this.onBatch(payload),
    });
    this.running = true;
    this.pauseAll();
  }

  private allDone(): boolean {
    for (const cursor of this.cursors.values()) if (cursor.next < cursor.to) return false;
    return true;
  }

  /** Always by partition: kafkajs forgets a whole-topic pause as soon as one partition is paused on its own. */
  private pauseAll(): void {
    const byTopic = new Map<string, number[]>();
    for (const name of this.cursors.keys()) {
      const at = name.lastIndexOf(':');
      const topic = name.slice(0, at);
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), Number(name.slice(at + 1))]);
    }
    this.consumer.pause(Array.from(byTopic, ([topic, partitions]) => ({ topic, partitions })));
  }

  private onBatch(payload: EachBatchPayload): Promise<void> {
    const name = key(payload.batch.topic, payload.batch.partition);
    const turn = (this.partitionTurns.get(name) ?? Promise.resolve()).then(() => this.handleBatch(payload));
    this.partitionTurns.set(name, turn);
    return turn;
  }

  private async handleBatch({ batch, resolveOffset, heartbeat }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const cursor = this.cursors.get(key(topic, partition));
    const handle = this.handler;
    if (!cursor || !handle || cursor.next >= cursor.to || this.failure !== undefined) {
      if (!cursor) this.cursors.set(key(topic, partition), { next: 0n, to: 0n });
      this.consumer.pause([{ topic, partitions: [partition] }]);
      return;
    }
    const wanted = batch.messages.filter((message) => {
      const offset = BigInt(message.offset);
      return offset >= cursor.next && offset < cursor.to;
    });
    this.inFlight += 1;
    try {
      if (wanted.length > 0) {
        await handle(topic, partition, wanted);
        const last = wanted.at(-1)!.offset;
        cursor.next = BigInt(last) + 1n;
        resolveOffset(last);
      }
      // Offsets without a record (transaction markers, compaction) at the end of the range end it too.
      if (BigInt(batch.lastOffset()) >= cursor.to - 1n) cursor.next = cursor.to;
      if (cursor.next >= cursor.to) this.consumer.pause([{ topic, partitions: [partition] }]);
      await heartbeat();
    } catch (error) {
      this.failure ??= error;
    } finally {
      this.inFlight -= 1;
      this.wake?.();
    }
  }
}

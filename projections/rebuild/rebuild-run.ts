import type { KafkaMessage } from 'kafkajs';
import type pg from 'pg';
import { decodeRecord } from '../projector/decoded-record.ts';
import type { Projection } from '../projector/projection.ts';
import { readPartitionOffsets } from '../projector/projection-offsets.ts';
import { foldEventOf, type IndependentFold } from './independent-fold.ts';
import { KafkaRangeReader, type PartitionRange } from './kafka-range-reader.ts';
import { type ShadowPosition, swapIntoLive } from './live-swap.ts';
import { compareModels, type ModelComparison } from './model-checksum.ts';
import type { RebuildOptions, RebuildProgress } from './rebuild-types.ts';
import { applyShadowBatch, type SkippedRecord, type SourceRecord } from './shadow-batch.ts';
import { createShadowIndexes, type IndexCopy, retiredTableName } from './shadow-tables.ts';
import { readStoreInLanes } from './store-source.ts';
import { readTableModel } from './table-model.ts';

const positionKey = (topic: string, partition: number) => `${topic}:${partition}`;
const maxSkippedShown = 20;
/** Records the live projector may be ahead by when the swap starts; more are caught up before locking. */
const smallGap = 200;

export interface PartitionSnapshot {
  topic: string;
  partition: number;
  low: bigint;
  high: bigint;
}

/**
 * One rebuild's phases over an existing shadow table: read the snapshot into it (folding the same events
 * independently), verify, catch up with the live projector, swap. `rebuildReadModel` owns the lock, the
 * shadow's creation and its cleanup.
 */
export class RebuildRun {
  readonly counts = { read: 0, applied: 0, skipped: 0, caughtUp: 0 };
  readonly skippedRecords: SkippedRecord[] = [];
  /** What the shadow consumed, per partition: the snapshot's end offsets until the catch-up moves them. */
  readonly consumed = new Map<string, ShadowPosition>();
  private reader: KafkaRangeReader | undefined;
  private readonly fold: IndependentFold;
  private readonly topics: string[];

  constructor(
    private readonly options: RebuildOptions,
    private readonly session: pg.PoolClient,
    private readonly shadow: string,
    private readonly projection: Projection,
    private readonly runId: string,
    partitions: readonly PartitionSnapshot[],
  ) {
    this.fold = options.target.shape.newFold();
    this.topics = options.target.topics.map((topic) => `${options.topicPrefix ?? ''}${topic}`);
    for (const p of partitions) {
      this.consumed.set(positionKey(p.topic, p.partition), {
        topic: p.topic,
        partition: p.partition,
        nextOffset: p.high,
      });
    }
  }

  private progress(update: RebuildProgress): void {
    this.options.onProgress?.(update);
  }

  private kafkaReader(): KafkaRangeReader {
    this.reader ??= new KafkaRangeReader({
      kafka: this.options.kafka,
      groupId: `${this.options.topicPrefix ?? ''}ops.rebuild.${this.options.target.name}.${this.runId}`,
      topics: this.topics,
      concurrency: this.options.lanes ?? 4,
    });
    return this.reader;
  }

  async close(): Promise<void> {
    await this.reader?.close();
  }

  private noteSkipped(skipped: SkippedRecord[]): void {
    this.counts.skipped += skipped.length;
    this.skippedRecords.push(...skipped.slice(0, Math.max(0, maxSkippedShown - this.skippedRecords.length)));
  }

  /** Applies a batch on a connection of its own; during the snapshot the fold sees what was applied. */
  private async applyToShadow(records: SourceRecord[], folded: boolean) {
    const client = await this.options.pool.connect();
    try {
      const batch = await applyShadowBatch(client, this.projection, records, {
        writeOnlyHandler: this.options.target.writeOnlyHandler,
      });
      if (folded) for (const envelope of batch.applied) this.fold.apply(foldEventOf(envelope));
      this.noteSkipped(batch.skipped);
      return batch;
    } finally {
      client.release();
    }
  }

  private recordsOf(topic: string, partition: number, messages: KafkaMessage[]): SourceRecord[] {
    return messages.map((message) => {
      const decoded = decodeRecord(message);
      const origin = `${topic}/${partition}@${message.offset}`;
      return 'envelope' in decoded
        ? { origin, envelope: decoded.envelope }
        : { origin, unreadable: decoded.unreadable };
    });
  }

  private advance(topic: string, partition: number, messages: KafkaMessage[], applied: { recordedAt: string }[]) {
    const key = positionKey(topic, partition);
    const position = this.consumed.get(key) ?? { topic, partition, nextOffset: 0n };
    const lastAt = applied.at(-1)?.recordedAt;
    this.consumed.set(key, {
      ...position,
      nextOffset: BigInt(messages.at(-1)!.offset) + 1n,
      ...(lastAt ? { lastEventAt: lastAt } : {}),
    });
  }

  /** The snapshot from Kafka: every partition from its start up to the end offsets taken at the start. */
  async readKafka(partitions: readonly PartitionSnapshot[]): Promise<void> {
    const total = partitions.reduce((sum, p) => sum + Number(p.high - p.low), 0);
    this.progress({ phase: 'reading', done: 0, total });
    await this.kafkaReader().read(
      partitions.map((p) => ({ topic: p.topic, partition: p.partition, from: p.low, to: p.high })),
      async (topic, partition, messages) => {
        const batch = await this.applyToShadow(this.recordsOf(topic, partition, messages), true);
        this.counts.read += messages.length;
        this.counts.applied += batch.applied.length;
        this.advance(topic, partition, messages, batch.applied);
        this.progress({ phase: 'reading', done: this.counts.read, total });
      },
      this.options.signal,
    );
  }

  /** The snapshot from the store: its global order up to its head when the rebuild started. */
  async readStore(): Promise<void> {
    const { store, storeHead, target, signal } = this.options;
    if (!store) throw new Error('a rebuild from the store needs the event store');
    const head = await storeHead?.();
    const total = head ? { total: head.events } : {};
    this.progress({ phase: 'reading', done: 0, ...total });
    await readStoreInLanes({
      store,
      head,
      topics: target.topics,
      lanes: this.options.lanes ?? 4,
      ...(signal ? { signal } : {}),
      apply: async (_lane, records) => {
        this.counts.applied += (await this.applyToShadow(records, true)).applied.length;
      },
      onRead: (read) => {
        this.counts.read = read;
        this.progress({ phase: 'reading', done: read, ...total });
      },
    });
  }

  /**
   * Builds the remaining indexes and, meanwhile (PostgreSQL sorts while this process folds and reads),
   * compares the shadow row by row with the independent fold.
   */
  async verify(indexes: readonly IndexCopy[]): Promise<ModelComparison> {
    this.progress({ phase: 'indexing', done: 0 });
    const indexing = createShadowIndexes(this.session, indexes);
    indexing.catch(() => undefined);
    const expected = this.fold.model();
    this.progress({ phase: 'verifying', done: 0, total: expected.size });
    const reader = await this.options.pool.connect();
    try {
      const actual = await readTableModel(reader, this.shadow, this.options.target.shape, (rows) =>
        this.progress({ phase: 'verifying', done: rows, total: expected.size }),
      );
      return compareModels(actual, expected);
    } finally {
      reader.release();
      await indexing;
    }
  }

  /** Reads `[consumed, target)` of each partition into `apply`, moving `consumed`. */
  private async catchUpTo(
    targets: readonly ShadowPosition[],
    apply: (records: SourceRecord[]) => Promise<{ recordedAt: string }[]>,
  ): Promise<ShadowPosition[]> {
    const ranges: PartitionRange[] = targets.map((t) => ({
      topic: t.topic,
      partition: t.partition,
      from: this.consumed.get(positionKey(t.topic, t.partition))?.nextOffset ?? 0n,
      to: t.nextOffset,
    }));
    await this.kafkaReader().read(
      ranges,
      async (topic, partition, messages) => {
        const applied = await apply(this.recordsOf(topic, partition, messages));
        this.counts.caughtUp += messages.length;
        this.advance(topic, partition, messages, applied);
        this.progress({ phase: 'catching-up', done: this.counts.caughtUp });
      },
      this.options.signal,
    );
    return targets.map((t) => this.consumed.get(positionKey(t.topic, t.partition))!);
  }

  /** Applies what the live projector got further than the shadow, until little is left, before locking anything. */
  async catchUpWithLive(): Promise<void> {
    this.progress({ phase: 'catching-up', done: 0 });
    for (let round = 0; round < 5; round++) {
      const behindLive = (await readPartitionOffsets(this.options.pool, this.options.target.name)).filter(
        (live) =>
          this.topics.includes(live.topic) &&
          live.nextOffset > (this.consumed.get(positionKey(live.topic, live.partition))?.nextOffset ?? 0n),
      );
      const gap = behindLive.reduce(
        (sum, live) =>
          sum +
          Number(live.nextOffset - (this.consumed.get(positionKey(live.topic, live.partition))?.nextOffset ?? 0n)),
        0,
      );
      if (gap <= smallGap) return;
      await this.catchUpTo(behindLive, async (records) => (await this.applyToShadow(records, false)).applied);
    }
  }

  /** The swap transaction (live-swap.ts); its own catch-up runs on the swap's connection, one batch at a time. */
  async swap(indexes: readonly IndexCopy[]): Promise<ShadowPosition[]> {
    this.progress({ phase: 'swapping', done: 0 });
    const { target, signal } = this.options;
    let queue = Promise.resolve();
    return swapIntoLive(this.session, {
      projection: target.name,
      table: target.table,
      shadow: this.shadow,
      retired: retiredTableName(target.table, this.runId),
      indexes,
      positions: [...this.consumed.values()],
      lockTimeoutMs: this.options.lockTimeoutMs ?? 30_000,
      cancelled: () => signal?.aborted === true,
      catchUp: (tx, behind) =>
        this.catchUpTo(behind, (records) => {
          const applied = queue.then(async () => {
            const batch = await applyShadowBatch(tx, this.projection, records, { insideTransaction: true });
            this.noteSkipped(batch.skipped);
            return batch.applied;
          });
          queue = applied.then(
            () => undefined,
            () => undefined,
          );
          return applied;
        }),
    });
  }
}

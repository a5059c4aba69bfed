import type pg from 'pg';
import { deadLetterTopic } from '../../platform/kafka/dead-letter.ts';
import { describeError, failureKind } from '../../platform/kafka/failure.ts';
import {
  type BatchContext,
  type BatchOutcome,
  GroupConsumer,
  type PartitionBatch,
} from '../../platform/kafka/group-consumer.ts';
import { log as processLog } from '../../platform/logger.ts';
import type { EventEnvelope } from '../../schemas/kafka-envelope.ts';
import { type DecodedRecord, decodeRecord } from './decoded-record.ts';
import { preparingQueries, statementName } from './prepared-statements.ts';
import type { Projection } from './projection.ts';
import { isProjectionPoison } from './projection-failure.ts';
import { lockPartitionOffset, readPartitionOffsets, savePartitionOffset } from './projection-offsets.ts';

/** What one committed transaction covered. */
export interface CommittedBatch {
  projection: string;
  topic: string;
  partition: number;
  /** Records whose handler ran (skipped and dead-lettered ones excluded). */
  applied: number;
  deadLettered: number;
  nextOffset: bigint;
}

/** Points where tests inject a crash; production code passes none. */
export interface ProjectorHooks {
  /** Rows and offsets are written, the transaction is still open: throwing here rolls it all back. */
  beforeCommit?(batch: CommittedBatch): Promise<void> | void;
  /** The transaction committed, the offsets are not yet committed to Kafka. */
  afterCommit?(batch: CommittedBatch): Promise<void> | void;
}

export interface TransactionalProjectorOptions {
  pool: pg.Pool;
  brokers: string[];
  projection: Projection;
  topicPrefix?: string;
  /** Default `<prefix>projector.<projection name>`. */
  groupId?: string;
  partitionsConsumedConcurrently?: number;
  maxRetryDelayMs?: number;
  sessionTimeoutMs?: number;
  /** Called after each commit that changed something (the process publishes a change message with it). */
  onBatchCommitted?: (batch: CommittedBatch) => Promise<void> | void;
  hooks?: ProjectorHooks;
  log?: (line: Record<string, unknown>) => void;
}

export const projectorGroupId = (projectionName: string, prefix = ''): string => `${prefix}projector.${projectionName}`;

const projectorStatementName = (text: string) => statementName(text, 'projector_');

/** A handler refused a record for good: the transaction is rolled back and the batch redone without it. */
class RedoWithout extends Error {}

/** The set-based statements failed: the transaction is rolled back and the batch redone one event at a time. */
class RedoRecordByRecord extends Error {}

/**
 * Applies each Kafka batch in one PostgreSQL transaction that also moves the projection's offsets
 * in `projection_offsets`. Records below the stored offset are skipped, so a batch delivered again
 * (a crash between the PostgreSQL commit and the Kafka commit, a rebalance, a second instance)
 * changes nothing. Poison records go to `dlq.<group>`; a transient failure rolls back and retries.
 */
export class TransactionalProjector {
  readonly groupId: string;
  readonly deadLetterTopic: string;
  private readonly consumer: GroupConsumer;
  private readonly log: (line: Record<string, unknown>) => void;
  /** Partitions whose first batch since the last assignment was checked against the stored offset. */
  private readonly checkedPartitions = new Set<string>();

  constructor(private readonly options: TransactionalProjectorOptions) {
    const prefix = options.topicPrefix ?? '';
    this.groupId = options.groupId ?? projectorGroupId(options.projection.name, prefix);
    this.deadLetterTopic = deadLetterTopic(this.groupId, prefix);
    this.log = options.log ?? processLog;
    this.consumer = new GroupConsumer({
      brokers: options.brokers,
      groupId: this.groupId,
      topics: options.projection.topics.map((topic) => `${prefix}${topic}`),
      deadLetterTopic: this.deadLetterTopic,
      mode: { batch: (batch, context) => this.apply(batch, context) },
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
      maxRetryDelayMs: options.maxRetryDelayMs,
      sessionTimeoutMs: options.sessionTimeoutMs,
      onAssigned: (assignment, seek) => this.seekToStoredOffsets(assignment, seek),
      log: this.log,
    });
  }

  get projectionName(): string {
    return this.options.projection.name;
  }

  start(): Promise<void> {
    return this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }

  /**
   * The table is the truth of what was applied: each newly assigned partition is read from its stored
   * offset, even when Kafka's committed offset says otherwise (behind after a crash between the two
   * commits, ahead after the rows were reset for a rebuild).
   */
  private async seekToStoredOffsets(
    assignment: Record<string, number[]>,
    seek: (topic: string, partition: number, offset: string) => void,
  ): Promise<void> {
    this.checkedPartitions.clear();
    const stored = await readPartitionOffsets(this.options.pool, this.options.projection.name);
    const byPartition = new Map(stored.map((p) => [`${p.topic}:${p.partition}`, p.nextOffset]));
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions)
        seek(topic, partition, (byPartition.get(`${topic}:${partition}`) ?? 0n).toString());
    }
  }

  private async apply(batch: PartitionBatch, context: BatchContext): Promise<BatchOutcome> {
    const records = batch.messages.map(decodeRecord);
    const refused = new Map<bigint, string>();
    let setBased = this.options.projection.applyBatch !== undefined && !context.isolate;
    for (;;) {
      try {
        return await this.applyOnce(batch, records, refused, context, setBased);
      } catch (error) {
        if (error instanceof RedoRecordByRecord) setBased = false;
        else if (!(error instanceof RedoWithout)) throw error;
      }
    }
  }

  private async applyOnce(
    batch: PartitionBatch,
    records: DecodedRecord[],
    refused: Map<bigint, string>,
    context: BatchContext,
    setBased: boolean,
  ): Promise<BatchOutcome> {
    const { projection } = this.options;
    const { topic, partition } = batch;
    const client = await this.options.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const stored = await lockPartitionOffset(client, projection.name, topic, partition);
      const partitionKey = `${topic}:${partition}`;
      if (!this.checkedPartitions.has(partitionKey)) {
        this.checkedPartitions.add(partitionKey);
        // Kafka's committed offset is ahead of the table (rows were reset for a rebuild, or restored
        // from an older backup): the table is the truth, so read again from where it stands.
        if (records[0]!.offset > stored) {
          await client.query('ROLLBACK');
          return { kind: 'seek', offset: stored.toString() };
        }
      }
      const deadLetters: { record: DecodedRecord; reason: string }[] = [];
      const fresh: EventEnvelope[] = [];
      const freshOffsets: bigint[] = [];
      for (const record of records) {
        if (record.offset < stored) continue;
        if ('unreadable' in record) {
          deadLetters.push({ record, reason: record.unreadable });
          continue;
        }
        const refusal = refused.get(record.offset);
        if (refusal !== undefined) {
          deadLetters.push({ record, reason: refusal });
          continue;
        }
        fresh.push(record.envelope);
        freshOffsets.push(record.offset);
      }
      const statements = preparingQueries(client, projectorStatementName);
      if (setBased && projection.applyBatch) {
        try {
          if (fresh.length > 0) await projection.applyBatch(statements, fresh);
        } catch (error) {
          if (failureKind(error) === 'transient') throw error;
          // Which record it was (and whether for good) only the one-by-one path can tell.
          throw new RedoRecordByRecord();
        }
      } else {
        for (const [index, envelope] of fresh.entries()) {
          try {
            await projection.handle(statements, envelope);
          } catch (error) {
            // After repeated failures the batch is applied record by record: what still fails is set aside.
            const refusedForGood = isProjectionPoison(error) || (context.isolate && failureKind(error) !== 'transient');
            if (!refusedForGood) throw error;
            refused.set(freshOffsets[index]!, describeError(error));
            throw new RedoWithout();
          }
        }
      }
      const applied = fresh.length;
      const lastEventAt = fresh.at(-1)?.recordedAt;
      const nextOffset = records.at(-1)!.offset + 1n;
      const committed: CommittedBatch = {
        projection: projection.name,
        topic,
        partition,
        applied,
        deadLettered: deadLetters.length,
        nextOffset,
      };
      if (nextOffset > stored) {
        await savePartitionOffset(client, projection.name, { topic, partition, nextOffset, lastEventAt });
      }
      await this.options.hooks?.beforeCommit?.(committed);
      // Before the commit: a crash in between sends them again, never loses them.
      for (const { record, reason } of deadLetters) await context.deadLetter(record.message, reason);
      await client.query('COMMIT');
      await this.options.hooks?.afterCommit?.(committed);
      if (applied + deadLetters.length > 0) await this.notifyCommitted(committed);
      return { kind: 'applied' };
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    } finally {
      // A connection that could not even roll back is closed, not handed to the next batch.
      client.release(broken);
    }
  }

  private async notifyCommitted(batch: CommittedBatch): Promise<void> {
    try {
      await this.options.onBatchCommitted?.(batch);
    } catch (error) {
      this.log({
        level: 'warn',
        msg: 'batch listener failed',
        projection: batch.projection,
        error: describeError(error),
      });
    }
  }
}

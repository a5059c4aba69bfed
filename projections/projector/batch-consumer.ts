import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { createKafka } from '../../deploy/kafka-client.ts';
import { consumeBatches } from '../kafka/consume-batches.ts';
import { DeadLetterSender } from '../kafka/dead-letter-sender.ts';
import { describeError } from '../kafka/failure-kind.ts';
import { jsonLineLog } from '../kafka/json-line-log.ts';
import { pauseBeforeRetry } from '../kafka/retry-pause.ts';
import { retryStartup } from './retry-startup.ts';

/** The records of one topic partition that Kafka handed over together. */
export interface PartitionBatch {
  topic: string;
  partition: number;
  /** In offset order, never empty. */
  messages: KafkaMessage[];
}

export interface BatchContext {
  /** Parks a record in the group's dead-letter topic (acks=all) with the reason it cannot be applied. */
  deadLetter(message: KafkaMessage, reason: string): Promise<void>;
}

/**
 * `applied`: every record is applied or dead-lettered; the consumer moves past the batch.
 * `seek`: the store of record says the partition must be read from `offset` instead.
 */
export type BatchOutcome = { kind: 'applied' } | { kind: 'seek'; offset: string };

/** Throws for a transient failure: the batch is then tried again, whole, after a pause. */
export type BatchApplier = (batch: PartitionBatch, context: BatchContext) => Promise<BatchOutcome>;

export interface BatchConsumerOptions {
  brokers: string[];
  groupId: string;
  /** Full topic names (prefix included). */
  topics: string[];
  deadLetterTopic: string;
  apply: BatchApplier;
  /** Partitions whose batches are applied side by side; per partition the batches stay in order. */
  partitionsConsumedConcurrently?: number;
  /** Longest pause between attempts at a batch that failed for a transient reason. */
  maxRetryDelayMs?: number;
  /** How long the group waits for a silent member before handing its partitions to others (default 30 s). */
  sessionTimeoutMs?: number;
  /**
   * The group's partitions were (re)assigned; `seek` moves where a partition is read next. Runs
   * alongside the first fetches (kafkajs does not wait for it), so an applier must not rely on it alone.
   */
  onAssigned?: (
    assignment: Record<string, number[]>,
    seek: (topic: string, partition: number, offset: string) => void,
  ) => Promise<void>;
  log?: (line: Record<string, unknown>) => void;
  clock?: () => Date;
}

/**
 * The Kafka side every projector shares: one consumer group, `eachBatch` without auto-commit, a
 * batch retried whole until it applies, and the batch's offsets committed to Kafka after it
 * applied. Where the records go, and what makes re-applying them harmless, is the applier's job.
 */
export class BatchConsumer {
  private readonly consumer: Consumer;
  private readonly deadLetters: DeadLetterSender;
  private readonly log: (line: Record<string, unknown>) => void;

  constructor(private readonly options: BatchConsumerOptions) {
    const kafka = createKafka(options.brokers, options.groupId);
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      maxWaitTimeInMs: 100,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: Math.min(3_000, Math.floor((options.sessionTimeoutMs ?? 30_000) / 3)),
    });
    this.log = options.log ?? jsonLineLog;
    this.deadLetters = new DeadLetterSender({
      brokers: options.brokers,
      groupId: options.groupId,
      topic: options.deadLetterTopic,
      log: this.log,
      clock: options.clock ?? (() => new Date()),
    });
  }

  async start(): Promise<void> {
    await retryStartup('creating the dead-letter topic', () => this.deadLetters.ensureTopic(), { log: this.log });
    await this.deadLetters.connect();
    await this.consumer.connect();
    const { onAssigned } = this.options;
    if (onAssigned) {
      this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
        const seek = (topic: string, partition: number, offset: string) =>
          this.consumer.seek({ topic, partition, offset });
        onAssigned(payload.memberAssignment, seek).catch((error) =>
          this.log({
            level: 'warn',
            msg: 'assignment listener failed',
            group: this.options.groupId,
            error: describeError(error),
          }),
        );
      });
    }
    await consumeBatches(this.consumer, {
      topics: this.options.topics,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  /** Waits for the batch in progress (an attempt in progress finishes, no new one starts). */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.deadLetters.disconnect();
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { topic, partition, messages } = payload.batch;
    const last = messages.at(-1);
    if (!last) return;
    const batch: PartitionBatch = { topic, partition, messages };
    const context: BatchContext = {
      deadLetter: (message, reason) => this.deadLetters.send({ topic, partition, message }, reason),
    };
    let outcome: BatchOutcome;
    for (let attempt = 1; ; attempt++) {
      // Nothing was committed for this batch: whoever owns the partition next reads it again.
      if (!payload.isRunning() || payload.isStale()) return;
      try {
        outcome = await this.options.apply(batch, context);
        break;
      } catch (error) {
        this.log({
          level: 'warn',
          msg: 'batch failed, retrying',
          group: this.options.groupId,
          topic,
          partition,
          firstOffset: messages[0]!.offset,
          lastOffset: last.offset,
          attempt,
          error: describeError(error),
        });
        await pauseBeforeRetry(payload, attempt, this.options.maxRetryDelayMs);
      }
    }
    if (outcome.kind === 'seek') {
      this.log({
        level: 'info',
        msg: 'rewinding to the stored offset',
        group: this.options.groupId,
        topic,
        partition,
        offset: outcome.offset,
      });
      this.consumer.seek({ topic, partition, offset: outcome.offset });
      return;
    }
    payload.resolveOffset(last.offset);
    const next = (BigInt(last.offset) + 1n).toString();
    try {
      await payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: next }] }] });
    } catch (error) {
      // Re-reading the batch is harmless; a rebalance that caused this surfaces at the next heartbeat.
      this.log({
        level: 'warn',
        msg: 'offset commit failed',
        group: this.options.groupId,
        topic,
        partition,
        error: describeError(error),
      });
    }
    await payload.heartbeat();
  }
}

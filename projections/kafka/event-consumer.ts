import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { createKafka } from '../../deploy/kafka-client.ts';
import { type EventEnvelope, fromKafkaMessage } from '../../schemas/kafka-envelope.ts';
import { consumeBatches } from './consume-batches.ts';
import { deadLetterTopic } from './dead-letter.ts';
import { DeadLetterSender } from './dead-letter-sender.ts';
import { describeError, isPoison } from './failure-kind.ts';
import { jsonLineLog } from './json-line-log.ts';
import { pauseBeforeRetry } from './retry-pause.ts';

export interface RecordOrigin {
  topic: string;
  partition: number;
  offset: string;
}

export type EnvelopeHandler = (envelope: EventEnvelope, origin: RecordOrigin) => Promise<void>;

export interface EventConsumerOptions {
  brokers: string[];
  groupId: string;
  topics: string[];
  handle: EnvelopeHandler;
  topicPrefix?: string;
  /** Records of different keys in one batch are handled side by side, up to this many at once. */
  keyConcurrency?: number;
  /**
   * How long the group waits for a silent member before handing its partitions to others: also how
   * long a restarted process waits after a kill -9 of its predecessor. At least the broker's minimum (6 s).
   */
  sessionTimeoutMs?: number;
  /** Partitions handled side by side, so one slow record (a gateway call) holds up one partition only. */
  partitionsConsumedConcurrently?: number;
  /** Longest pause between attempts at a record that failed for a transient reason. */
  maxRetryDelayMs?: number;
  log?: (line: Record<string, unknown>) => void;
  clock?: () => Date;
}

class ConsumerStoppingError extends Error {}

/**
 * At-least-once delivery into an idempotent handler: a batch's offsets are committed only after
 * every record in it was handled or dead-lettered. Per key the records are handled in order; a
 * poison record is parked in `dlq.<group>` with its reason and origin and the consumer moves on;
 * a transient failure is retried in place, so nothing behind it on that key overtakes it.
 */
export class EventConsumer {
  private readonly consumer: Consumer;
  private readonly deadLetters: DeadLetterSender;
  private readonly log: (line: Record<string, unknown>) => void;

  constructor(private readonly options: EventConsumerOptions) {
    const kafka = createKafka(options.brokers, options.groupId);
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      maxWaitTimeInMs: 100,
      sessionTimeout: options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1_000,
    });
    this.log = options.log ?? jsonLineLog;
    this.deadLetters = new DeadLetterSender({
      brokers: options.brokers,
      groupId: options.groupId,
      topic: deadLetterTopic(options.groupId, options.topicPrefix),
      log: this.log,
      clock: options.clock ?? (() => new Date()),
    });
  }

  get deadLetterTopic(): string {
    return this.deadLetters.topic;
  }

  async start(): Promise<void> {
    await this.deadLetters.ensureTopic();
    await this.deadLetters.connect();
    await this.consumer.connect();
    await consumeBatches(this.consumer, {
      topics: this.options.topics,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.deadLetters.disconnect();
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const byKey = new Map<string, KafkaMessage[]>();
    for (const message of batch.messages) {
      const key = message.key?.toString() ?? '';
      const queue = byKey.get(key);
      if (queue) queue.push(message);
      else byKey.set(key, [message]);
    }
    const queues = [...byKey.values()];
    const concurrency = Math.max(1, this.options.keyConcurrency ?? 32);
    let next = 0;
    const worker = async () => {
      while (next < queues.length) {
        const queue = queues[next++]!;
        for (const message of queue) await this.handleRecord(payload, message);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(concurrency, queues.length) }, worker));
    } catch (error) {
      if (error instanceof ConsumerStoppingError) return; // nothing committed: redelivered after the restart
      throw error;
    }
    const last = batch.messages.at(-1);
    if (!last) return;
    payload.resolveOffset(last.offset);
    // With autoCommit off, kafkajs commits only offsets handed over explicitly.
    await payload.commitOffsetsIfNecessary(payload.uncommittedOffsets());
    await payload.heartbeat();
  }

  private async handleRecord(payload: EachBatchPayload, message: KafkaMessage): Promise<void> {
    const { topic, partition } = payload.batch;
    const origin = { topic, partition, offset: message.offset };
    for (let attempt = 1; ; attempt++) {
      try {
        const envelope = fromKafkaMessage(message);
        await this.options.handle(envelope, origin);
        return;
      } catch (error) {
        if (isPoison(error)) {
          await this.deadLetters.send({ topic, partition, message }, describeError(error));
          return;
        }
        if (!payload.isRunning() || payload.isStale()) throw new ConsumerStoppingError();
        this.log({
          level: 'warn',
          msg: 'transient failure, retrying',
          group: this.options.groupId,
          ...origin,
          attempt,
          error: describeError(error),
        });
        await pauseBeforeRetry(payload, attempt, this.options.maxRetryDelayMs);
      }
    }
  }
}

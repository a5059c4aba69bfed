import { type Consumer, type EachBatchPayload, type KafkaMessage, Partitioners, type Producer } from 'kafkajs';

import { createKafka, idempotentProducerConfig } from '../../deploy/kafka-client.ts';
import { ensureTopics, eventTopicConfig } from '../../deploy/topics.ts';
import { type EventEnvelope, fromKafkaMessage } from '../../schemas/kafka-envelope.ts';
import { deadLetterTopic, toDeadLetter } from './dead-letter.ts';
import { describeError, isPoison } from './failure-kind.ts';

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
  private readonly producer: Producer;
  private readonly deadLetters: string;
  private readonly log: (line: Record<string, unknown>) => void;
  private readonly clock: () => Date;

  constructor(private readonly options: EventConsumerOptions) {
    const kafka = createKafka(options.brokers, options.groupId);
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      maxWaitTimeInMs: 100,
      sessionTimeout: options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1_000,
    });
    this.producer = kafka.producer({
      ...idempotentProducerConfig,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.deadLetters = deadLetterTopic(options.groupId, options.topicPrefix);
    this.log = options.log ?? ((line) => process.stdout.write(`${JSON.stringify(line)}\n`));
    this.clock = options.clock ?? (() => new Date());
  }

  get deadLetterTopic(): string {
    return this.deadLetters;
  }

  async start(): Promise<void> {
    // Dead letters are kept until an operator replays or purges them.
    await ensureTopics(this.options.brokers, [{ name: this.deadLetters, config: { ...eventTopicConfig } }]);
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 4,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.producer.disconnect();
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
          await this.deadLetter(payload, message, describeError(error));
          return;
        }
        if (!payload.isRunning() || payload.isStale()) throw new ConsumerStoppingError();
        const delay = Math.min(this.options.maxRetryDelayMs ?? 5_000, 50 * 2 ** Math.min(attempt, 10));
        this.log({
          level: 'warn',
          msg: 'transient failure, retrying',
          group: this.options.groupId,
          ...origin,
          attempt,
          error: describeError(error),
        });
        await new Promise((resolve) => setTimeout(resolve, delay));
        await payload.heartbeat();
      }
    }
  }

  private async deadLetter(payload: EachBatchPayload, message: KafkaMessage, reason: string): Promise<void> {
    const { topic, partition } = payload.batch;
    this.log({
      level: 'error',
      msg: 'record dead-lettered',
      group: this.options.groupId,
      topic,
      partition,
      offset: message.offset,
      reason,
    });
    await this.producer.send({
      topic: this.deadLetters,
      acks: -1,
      messages: [toDeadLetter({ groupId: this.options.groupId, topic, partition, message }, reason, this.clock())],
    });
  }
}

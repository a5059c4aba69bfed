import { deadLetterTopic } from '../../platform/kafka/dead-letter.ts';
import { GroupConsumer } from '../../platform/kafka/group-consumer.ts';

export type { EnvelopeHandler, RecordOrigin } from '../../platform/kafka/group-consumer.ts';

import type { EnvelopeHandler } from '../../platform/kafka/group-consumer.ts';

export interface EventConsumerOptions {
  brokers: string[];
  groupId: string;
  topics: string[];
  handle: EnvelopeHandler;
  topicPrefix?: string;
  /** Records of different keys in one batch are handled side by side, up to this many at once. */
  keyConcurrency?: number;
  /** See `defaultSessionTimeoutMs`. */
  sessionTimeoutMs?: number;
  /** Partitions handled side by side, so one slow record (a gateway call) holds up one partition only. */
  partitionsConsumedConcurrently?: number;
  /** Longest pause between attempts at a record that failed. */
  maxRetryDelayMs?: number;
  /** Attempts at a record failing for an unknown reason before it is dead-lettered. */
  maxAttempts?: number;
  log?: (line: Record<string, unknown>) => void;
  clock?: () => Date;
}

/**
 * At-least-once delivery into an idempotent handler, one record at a time: the platform consumer
 * (platform/kafka/group-consumer.ts) in its per-record mode, with `dlq.<group>` under the topic prefix.
 */
export class EventConsumer {
  private readonly consumer: GroupConsumer;

  constructor({ handle, keyConcurrency, topicPrefix, ...options }: EventConsumerOptions) {
    this.consumer = new GroupConsumer({
      ...options,
      deadLetterTopic: deadLetterTopic(options.groupId, topicPrefix),
      mode: { record: handle, ...(keyConcurrency === undefined ? {} : { keyConcurrency }) },
    });
  }

  get deadLetterTopic(): string {
    return this.consumer.deadLetterTopic;
  }

  start(): Promise<void> {
    return this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }
}

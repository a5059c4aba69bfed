import { type IHeaders, type KafkaMessage, type Message, Partitioners, type Producer } from 'kafkajs';
import { createKafka, idempotentProducerConfig } from '../../deploy/kafka-client.ts';
import { type EnsuredTopics, ensureTopics, eventTopicConfig } from '../../deploy/topics.ts';
import { deadLetterHeaders } from '../../schemas/kafka-envelope.ts';
import { deadLetters } from '../metrics.ts';

/** One dead-letter topic per consumer group. */
export const deadLetterTopic = (groupId: string, prefix = '') => `${prefix}dlq.${groupId}`;

/** Where a record came from: the partition a consumer group read it on. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

export interface DeadLetterOrigin extends ConsumedRecord {
  groupId: string;
}

/**
 * The original bytes and headers, untouched, plus why and where from: an operator can read the
 * reason and replay the record to its origin topic as it was.
 */
export const toDeadLetter = (
  { groupId, topic, partition, message }: DeadLetterOrigin,
  reason: string,
  now: Date,
): Message => {
  const headers: IHeaders = { ...(message.headers ?? {}) };
  headers[deadLetterHeaders.reason] = reason.slice(0, 2000);
  headers[deadLetterHeaders.group] = groupId;
  headers[deadLetterHeaders.originTopic] = topic;
  headers[deadLetterHeaders.originPartition] = String(partition);
  headers[deadLetterHeaders.originOffset] = message.offset;
  headers[deadLetterHeaders.failedAt] = now.toISOString();
  return { key: message.key, value: message.value, headers };
};

export interface DeadLetterSenderOptions {
  brokers: string[];
  groupId: string;
  /** The group's dead-letter topic (full name). */
  topic: string;
  log: (line: Record<string, unknown>) => void;
  clock: () => Date;
}

/**
 * Parks what a consumer group can never handle in its dead-letter topic, with the reason and the
 * origin, through an idempotent producer and acks=all, so the group may move past it once `send` returns.
 */
export class DeadLetterSender {
  private readonly producer: Producer;

  constructor(private readonly options: DeadLetterSenderOptions) {
    this.producer = createKafka(options.brokers, options.groupId).producer({
      ...idempotentProducerConfig,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  get topic(): string {
    return this.options.topic;
  }

  /** Creates the topic when it is missing. Dead letters are kept until an operator replays or purges them. */
  ensureTopic(): Promise<EnsuredTopics> {
    return ensureTopics(this.options.brokers, [{ name: this.options.topic, config: { ...eventTopicConfig } }]);
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  async send(records: ConsumedRecord | readonly ConsumedRecord[], reason: string): Promise<void> {
    const { groupId, log, clock } = this.options;
    const all = Array.isArray(records) ? records : [records as ConsumedRecord];
    if (all.length === 0) return;
    for (const { topic, partition, message } of all) {
      log({
        level: 'error',
        msg: 'record dead-lettered',
        group: groupId,
        topic,
        partition,
        offset: message.offset,
        reason,
      });
    }
    const now = clock();
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: all.map((record) => toDeadLetter({ groupId, ...record }, reason, now)),
    });
    deadLetters.inc({ group: groupId }, all.length);
  }
}

import { type KafkaMessage, Partitioners, type Producer } from 'kafkajs';
import { createKafka, idempotentProducerConfig } from '../../deploy/kafka-client.ts';
import { type EnsuredTopics, ensureTopics, eventTopicConfig } from '../../deploy/topics.ts';
import { toDeadLetter } from './dead-letter.ts';

export interface DeadLetterSenderOptions {
  brokers: string[];
  groupId: string;
  /** The group's dead-letter topic (full name). */
  topic: string;
  log: (line: Record<string, unknown>) => void;
  clock: () => Date;
}

/** Where a record came from: the partition a consumer group read it on. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  message: KafkaMessage;
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

  async send({ topic, partition, message }: ConsumedRecord, reason: string): Promise<void> {
    const { groupId, log, clock } = this.options;
    log({
      level: 'error',
      msg: 'record dead-lettered',
      group: groupId,
      topic,
      partition,
      offset: message.offset,
      reason,
    });
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: [toDeadLetter({ groupId, topic, partition, message }, reason, clock())],
    });
  }
}

import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { deadLetterHeaders } from '../../schemas/kafka-envelope.ts';

/** One dead-letter topic per consumer group. */
export const deadLetterTopic = (groupId: string, prefix = '') => `${prefix}dlq.${groupId}`;

export interface DeadLetterOrigin {
  groupId: string;
  topic: string;
  partition: number;
  message: KafkaMessage;
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

import type { KafkaMessage } from 'kafkajs';
import { describeError } from '../../platform/kafka/failure.ts';
import { type EventEnvelope, fromKafkaMessage } from '../../schemas/kafka-envelope.ts';

/** A record read once per batch: its envelope, or why it can never be read (poison). */
export type DecodedRecord =
  | { message: KafkaMessage; offset: bigint; envelope: EventEnvelope }
  | { message: KafkaMessage; offset: bigint; unreadable: string };

/** Bad bytes, missing headers and unknown types do not improve with retries: all are poison. */
export const decodeRecord = (message: KafkaMessage): DecodedRecord => {
  const offset = BigInt(message.offset);
  try {
    return { message, offset, envelope: fromKafkaMessage(message) };
  } catch (error) {
    return { message, offset, unreadable: describeError(error) };
  }
};

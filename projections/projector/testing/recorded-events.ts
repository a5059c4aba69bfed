import { randomUUID } from 'node:crypto';
import { type Kafka, Partitioners, type Producer } from 'kafkajs';
import type { RecordedEvent } from '../../../commands/event-store/event-store.ts';
import { type EventEnvelope, fromKafkaMessage, toKafkaMessage } from '../../../schemas/kafka-envelope.ts';

/** Test events as the store would record them; positions only need to grow. */
let nextPosition = 1n;

export const recordedEvent = (
  streamId: string,
  version: number,
  type: string,
  data: unknown,
  recordedAt = new Date(),
): RecordedEvent => ({
  id: randomUUID(),
  streamId,
  version,
  position: nextPosition++,
  type,
  data,
  metadata: {},
  recordedAt,
});

/** Through the real Avro encoding and headers, as a projector would receive it. */
export const envelopeOf = (event: RecordedEvent): EventEnvelope => {
  const message = toKafkaMessage(event);
  return fromKafkaMessage({ value: message.value as Buffer, headers: message.headers });
};

export const connectedProducer = async (kafka: Kafka): Promise<Producer> => {
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  return producer;
};

/** Produces events to one topic, keyed by stream id like the relay does. */
export const produceEvents = async (producer: Producer, topic: string, events: RecordedEvent[]): Promise<void> => {
  await producer.send({ topic, acks: -1, messages: events.map(toKafkaMessage) });
};

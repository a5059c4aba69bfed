import { type Kafka, Partitioners, type Producer } from 'kafkajs';
import type { RecordedEvent } from '../../../commands/event-store/event-store.ts';
import { loadConfig } from '../../../deploy/config.ts';
import { createKafka, idempotentProducerConfig } from '../../../deploy/kafka-client.ts';
import { migrate } from '../../../deploy/migrate.ts';
import { ensureEventTopics } from '../../../deploy/topics.ts';
import { topicFor } from '../../../schemas/event-catalog.ts';
import { toKafkaMessage } from '../../../schemas/kafka-envelope.ts';
import { uniqueName } from '../../../test/support/names.ts';
import { createTestSchema, type TestSchema } from '../../../test/support/postgres.ts';
import { deleteTopicsWithPrefix } from '../../../test/support/topics.ts';

/** A schema with the migrations, event topics under a prefix of its own, and a producer. */
export interface RebuildFixture {
  db: TestSchema;
  prefix: string;
  brokers: string[];
  kafka: Kafka;
  producer: Producer;
  /** Produces events to their topics (keyed by stream id, as the relay does), in large batches. */
  produce(events: readonly RecordedEvent[]): Promise<void>;
  close(): Promise<void>;
}

export const createRebuildFixture = async (name: string): Promise<RebuildFixture> => {
  const { kafkaBrokers } = loadConfig();
  const db = await createTestSchema(name);
  await migrate(db.pool);
  const prefix = `${uniqueName(name)}.`;
  await ensureEventTopics(kafkaBrokers, prefix);
  const kafka = createKafka(kafkaBrokers, `${name}-test`);
  // Idempotent: a retried send (a partition leader still settling on a new topic) writes nothing twice.
  const producer = kafka.producer({ ...idempotentProducerConfig, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return {
    db,
    prefix,
    brokers: kafkaBrokers,
    kafka,
    producer,
    produce: async (events) => {
      const byTopic = new Map<string, RecordedEvent[]>();
      for (const event of events) {
        const topic = topicFor(event.type, prefix);
        const list = byTopic.get(topic) ?? [];
        list.push(event);
        byTopic.set(topic, list);
      }
      for (const [topic, list] of byTopic) {
        for (let start = 0; start < list.length; start += 5_000) {
          await producer.send({ topic, acks: -1, messages: list.slice(start, start + 5_000).map(toKafkaMessage) });
        }
      }
    },
    close: async () => {
      await producer.disconnect().catch(() => undefined);
      await deleteTopicsWithPrefix(prefix).catch(() => undefined);
      await db.drop();
    },
  };
};

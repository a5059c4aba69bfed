/** Relay process: store -> Kafka. Stops cleanly on SIGINT/SIGTERM; safe to kill -9 at any moment. */
import { Partitioners } from 'kafkajs';
import pg from 'pg';
import { loadConfig } from '../../deploy/config.ts';
import { createKafka, idempotentProducerConfig } from '../../deploy/kafka-client.ts';
import { ensureEventTopics, ensureTopics } from '../../deploy/topics.ts';
import { createEventStore } from '../event-store/create-event-store.ts';
import { Relay, relayDeadLetterTopic } from './relay.ts';
import { RelayCheckpoint } from './relay-checkpoint.ts';
import { RelayLeadership } from './relay-leadership.ts';

const config = loadConfig();
const name = config.relayName;
const store = createEventStore(config.eventStoreUrl);
const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 4 });
const kafka = createKafka(config.kafkaBrokers, `relay-${name}`);
const producer = kafka.producer({
  ...idempotentProducerConfig,
  createPartitioner: Partitioners.DefaultPartitioner,
});

await ensureEventTopics(config.kafkaBrokers, config.topicPrefix);
await ensureTopics(config.kafkaBrokers, [{ name: relayDeadLetterTopic(config.topicPrefix) }]);
await producer.connect();

const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());

const relay = new Relay({
  store,
  producer,
  checkpoint: new RelayCheckpoint(pool, name),
  leadership: new RelayLeadership(pool, name),
  topicPrefix: config.topicPrefix,
  batchSize: config.relayBatchSize,
});
process.stdout.write(
  `${JSON.stringify({ level: 'info', msg: 'relay started', name, brokers: config.kafkaBrokers })}\n`,
);
try {
  await relay.run(stop.signal);
} finally {
  await producer.disconnect();
  await store.close();
  await pool.end();
}

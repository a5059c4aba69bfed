/** Relay process: store -> Kafka. Stops cleanly on SIGINT/SIGTERM; safe to kill -9 at any moment. */
import { Partitioners } from 'kafkajs';
import { loadConfig } from '../../deploy/config.ts';
import { createKafka, idempotentProducerConfig } from '../../deploy/kafka-client.ts';
import { ensureEventTopics, ensureTopics } from '../../deploy/topics.ts';
import { loopHealth } from '../../platform/health.ts';
import { log } from '../../platform/logger.ts';
import { watchRelayLag } from '../../platform/metrics.ts';
import { startMetricsServer } from '../../platform/metrics-server.ts';
import { createPool, pingPool } from '../../platform/postgres.ts';
import { startTelemetry, stopTelemetry } from '../../platform/telemetry.ts';
import { createEventStore } from '../event-store/create-event-store.ts';
import { kafkaProbe } from '../kafka-probe.ts';
import { Relay, relayDeadLetterTopic } from './relay.ts';
import { RelayCheckpoint } from './relay-checkpoint.ts';
import { relayLag } from './relay-lag.ts';
import { RelayLeadership } from './relay-leadership.ts';

startTelemetry('relay');
const config = loadConfig();
const name = config.relayName;
const poolSettings = {
  connectTimeoutMs: config.postgresConnectTimeoutMs,
  statementTimeoutMs: config.postgresStatementTimeoutMs,
};
const store = createEventStore(config.eventStoreUrl, { name: `relay-${name}`, max: 4, ...poolSettings });
const pool = createPool({ connectionString: config.databaseUrl, name: `relay-${name}`, max: 4, ...poolSettings });
const kafka = createKafka(config.kafkaBrokers, `relay-${name}`);
const producer = kafka.producer({
  ...idempotentProducerConfig,
  createPartitioner: Partitioners.DefaultPartitioner,
});
const checkpoint = new RelayCheckpoint(pool, name);
const health = loopHealth(10_000);
const probe = kafkaProbe(config.kafkaBrokers, `relay-${name}-health`);
const metrics = await startMetricsServer({
  service: 'relay',
  host: config.host,
  port: config.metricsPorts.relay,
  probes: {
    postgres: () => pingPool(pool),
    store: () => store.ping(),
    kafka: probe.isKafkaUp,
    publishing: health.isUp,
  },
  details: async () => ({ lag: await relayLag(store, checkpoint), lastError: health.lastError() }),
});

await ensureEventTopics(config.kafkaBrokers, config.topicPrefix);
await ensureTopics(config.kafkaBrokers, [{ name: relayDeadLetterTopic(config.topicPrefix) }]);
await producer.connect();

const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());

watchRelayLag(() => relayLag(store, checkpoint));
const relay = new Relay({
  store,
  producer,
  checkpoint,
  leadership: new RelayLeadership(pool, name),
  topicPrefix: config.topicPrefix,
  batchSize: config.relayBatchSize,
  health,
});
log({ level: 'info', msg: 'relay started', name, brokers: config.kafkaBrokers });
try {
  await relay.run(stop.signal);
} finally {
  await producer.disconnect();
  await Promise.allSettled([stopTelemetry(), store.close(), pool.end(), probe.close(), metrics.close()]);
}

/**
 * The notifier process: `tsx projections/notifier/main.ts`. Queues a webhook delivery per subscription for
 * each final order event and sends them, signed, with retries (docs/notifications.md). Stops cleanly on
 * SIGINT/SIGTERM and is safe to kill -9 at any moment.
 */
import { createEventStore } from '../../commands/event-store/create-event-store.ts';
import { kafkaProbe } from '../../commands/kafka-probe.ts';
import { secretBox } from '../../commands/webhooks/secret-box.ts';
import { loadDataKey } from '../../deploy/auth-config.ts';
import { loadConfig } from '../../deploy/config.ts';
import { migrate } from '../../deploy/migrate.ts';
import { ensureEventTopics } from '../../deploy/topics.ts';
import { log } from '../../platform/logger.ts';
import { startMetricsServer } from '../../platform/metrics-server.ts';
import { createPool, pingPool } from '../../platform/postgres.ts';
import { startTelemetry } from '../../platform/telemetry.ts';
import { retryStartup } from '../projector/retry-startup.ts';
import { Notifier } from './notifier.ts';

const logger = startTelemetry('notifier');

const config = loadConfig();
// The signing secrets rest sealed under the data key (docs/notifications.md).
const dataKey = (() => {
  try {
    return loadDataKey();
  } catch (error) {
    logger.fatal(`notifier: ${(error as Error).message}`);
    process.exit(1);
  }
})();
const poolSettings = {
  connectTimeoutMs: config.postgresConnectTimeoutMs,
  statementTimeoutMs: config.postgresStatementTimeoutMs,
};
const store = createEventStore(config.eventStoreUrl, { name: 'notifier', ...poolSettings });
const pool = createPool({
  connectionString: config.databaseUrl,
  name: 'notifier',
  max: Math.min(20, config.webhooks.concurrency + 4),
  ...poolSettings,
});
const probe = kafkaProbe(config.kafkaBrokers, 'notifier-health');
const metrics = await startMetricsServer({
  service: 'notifier',
  host: config.host,
  port: config.metricsPorts.notifier,
  probes: { postgres: () => pingPool(pool), store: () => store.ping(), kafka: probe.isKafkaUp },
});

await retryStartup('migrating', () => migrate(pool), { log });
await retryStartup('creating the event topics', () => ensureEventTopics(config.kafkaBrokers, config.topicPrefix), {
  log,
});

const notifier = new Notifier({
  db: pool,
  store,
  secrets: secretBox(dataKey),
  brokers: config.kafkaBrokers,
  topicPrefix: config.topicPrefix,
  webhooks: config.webhooks,
  log,
});

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log({ level: 'info', msg: 'notifier stopping', signal });
  await notifier.stop();
  await Promise.allSettled([store.close(), pool.end(), probe.close(), metrics.close()]);
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

try {
  await notifier.start();
} catch (error) {
  log({
    level: 'error',
    msg: 'notifier failed to start',
    error: error instanceof Error ? error.message : String(error),
  });
  process.exit(1);
}
log({
  level: 'info',
  msg: 'notifier started',
  topicPrefix: config.topicPrefix,
  maxAttempts: config.webhooks.maxAttempts,
  timeoutMs: config.webhooks.timeoutMs,
  concurrency: config.webhooks.concurrency,
  perSubscription: config.webhooks.perSubscription,
  allowPrivate: config.webhooks.allowPrivate,
});

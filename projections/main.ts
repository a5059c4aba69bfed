/**
 * Projector process: the PostgreSQL read models (orders, inventory, payments, sagas) and the Redis
 * dashboard, each its own consumer group. `PROJECTORS=orders,dashboard` runs a subset (to scale one
 * out on its own). Stops cleanly on SIGINT/SIGTERM; safe to kill -9 at any moment.
 */
import { kafkaProbe } from '../commands/kafka-probe.ts';
import { loadConfig } from '../deploy/config.ts';
import { migrate } from '../deploy/migrate.ts';
import { ensureEventTopics } from '../deploy/topics.ts';
import { log } from '../platform/logger.ts';
import { startMetricsServer } from '../platform/metrics-server.ts';
import { createPool, pingPool } from '../platform/postgres.ts';
import { createRedis, pingRedis } from '../platform/redis.ts';
import { startTelemetry, stopTelemetry } from '../platform/telemetry.ts';
import { dashboardHealer } from './dashboard/dashboard-heal.ts';
import { dashboardKeys } from './dashboard/dashboard-keys.ts';
import { DashboardProjector, defaultDashboardTtls } from './dashboard/dashboard-projector.ts';
import { retryStartup } from './projector/retry-startup.ts';
import { TransactionalProjector } from './projector/transactional-projector.ts';
import { postgresReadModels, type ReadModelName, readModelNames } from './read-models.ts';

startTelemetry('projectors');
const config = loadConfig();
const selected = (process.env.PROJECTORS || readModelNames.join(','))
  .split(',')
  .map((name) => name.trim())
  .filter(Boolean);
const unknown = selected.filter((name) => !readModelNames.includes(name as ReadModelName));
if (unknown.length > 0) throw new Error(`PROJECTORS names unknown read models: ${unknown.join(', ')}`);

const pool = createPool({
  connectionString: config.databaseUrl,
  name: 'projectors',
  max: 20,
  connectTimeoutMs: config.postgresConnectTimeoutMs,
  statementTimeoutMs: config.postgresStatementTimeoutMs,
});
const redis = createRedis({ url: config.redisUrl, name: 'projectors' });
const probe = kafkaProbe(config.kafkaBrokers, 'projectors-health');
const metrics = await startMetricsServer({
  service: 'projectors',
  host: config.host,
  port: config.metricsPorts.projectors,
  probes: {
    postgres: () => pingPool(pool),
    ...(selected.includes('dashboard') ? { redis: () => pingRedis(redis) } : {}),
    kafka: probe.isKafkaUp,
  },
});
const changesChannel = dashboardKeys(config.redisKeyPrefix).changes;

await retryStartup('migrating', () => migrate(pool), { log: log });
await retryStartup('creating the event topics', () => ensureEventTopics(config.kafkaBrokers, config.topicPrefix), {
  log: log,
});

/** Wakes read-your-writes waits and dashboards; fire and forget, so Redis trouble never stalls PostgreSQL. */
const announce = (source: string, applied: number) => {
  redis
    .publish(changesChannel, JSON.stringify({ source, applied, at: new Date().toISOString() }))
    .catch(() => undefined);
};

const projectors: { name: string; start(): Promise<void>; stop(): Promise<void> }[] = [
  ...postgresReadModels()
    .filter((projection) => selected.includes(projection.name))
    .map((projection) => {
      const projector = new TransactionalProjector({
        pool,
        brokers: config.kafkaBrokers,
        projection,
        topicPrefix: config.topicPrefix,
        onBatchCommitted: (batch) => announce(batch.projection, batch.applied),
      });
      return { name: projection.name, start: () => projector.start(), stop: () => projector.stop() };
    }),
  ...(selected.includes('dashboard')
    ? [
        (() => {
          // Redis keeps nothing on disk: after a reconnect the keys may be gone, rebuilt before the next batch.
          const healer = dashboardHealer({
            redis,
            db: pool,
            keyPrefix: config.redisKeyPrefix,
            ttls: defaultDashboardTtls,
            log: log,
          });
          redis.on('ready', () => healer.suspect());
          const projector = new DashboardProjector({
            redis,
            keyPrefix: config.redisKeyPrefix,
            brokers: config.kafkaBrokers,
            topicPrefix: config.topicPrefix,
            beforeBatch: healer.ready,
          });
          return { name: 'dashboard', start: () => projector.start(), stop: () => projector.stop() };
        })(),
      ]
    : []),
];

let stopping: Promise<void> | undefined;
const stopAll = (signal: string) => {
  stopping ??= (async () => {
    log({ level: 'info', msg: 'projectors stopping', signal });
    await Promise.allSettled(projectors.map((projector) => projector.stop()));
    await pool.end();
    await redis.quit().catch(() => undefined);
    await Promise.allSettled([stopTelemetry(), probe.close(), metrics.close()]);
    log({ level: 'info', msg: 'projectors stopped' });
  })();
  return stopping;
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopAll(signal));

await Promise.all(projectors.map((projector) => projector.start()));
log({
  level: 'info',
  msg: 'projectors started',
  projectors: projectors.map((projector) => projector.name),
  brokers: config.kafkaBrokers,
});

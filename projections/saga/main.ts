/**
 * The saga process: `tsx projections/saga/main.ts`. Runs the input consumer, the step dispatcher and the
 * deadline poller; stops cleanly on SIGINT/SIGTERM and is safe to kill -9 at any moment (docs/saga.md).
 * PGOPTIONS (e.g. `-c search_path=<schema>`) reaches both pools through libpq's environment.
 */
import { createEventStore } from '../../commands/event-store/create-event-store.ts';
import { kafkaProbe } from '../../commands/kafka-probe.ts';
import { createPaymentService } from '../../commands/payment/payment-service.ts';
import { configuredPaymentGateway } from '../../commands/payment-gateway/configured-gateway.ts';
import { loadDataKey } from '../../deploy/auth-config.ts';
import { loadConfig } from '../../deploy/config.ts';
import { log } from '../../platform/logger.ts';
import { startMetricsServer } from '../../platform/metrics-server.ts';
import { createPool, pingPool } from '../../platform/postgres.ts';
import { startTelemetry, stopTelemetry } from '../../platform/telemetry.ts';
import { SagaRuntime, sagaOptionsOf } from './runtime.ts';

const logger = startTelemetry('saga');

const config = loadConfig();
const clock = () => new Date();
// Card tokens arrive sealed under the data key; the gateway adapter opens them (docs/security.md).
const dataKey = (() => {
  try {
    return loadDataKey();
  } catch (error) {
    logger.fatal(`saga: ${(error as Error).message}`);
    process.exit(1);
  }
})();
const poolSettings = {
  connectTimeoutMs: config.postgresConnectTimeoutMs,
  statementTimeoutMs: config.postgresStatementTimeoutMs,
};
const store = createEventStore(config.eventStoreUrl, { name: 'saga', ...poolSettings });
const pool = createPool({ connectionString: config.databaseUrl, name: 'saga', max: 4, ...poolSettings });
const probe = kafkaProbe(config.kafkaBrokers, 'saga-health');
const metrics = await startMetricsServer({
  service: 'saga',
  host: config.host,
  port: config.metricsPorts.saga,
  probes: { postgres: () => pingPool(pool), store: () => store.ping(), kafka: probe.isKafkaUp },
});
const payments = createPaymentService({
  store,
  gateway: configuredPaymentGateway(config, clock, dataKey),
  clock,
  gatewayTimeoutMs: config.gatewayTimeoutMs,
  retries: config.commandRetryLimit,
});
const runtime = new SagaRuntime({
  store,
  pool,
  payments,
  brokers: config.kafkaBrokers,
  topicPrefix: config.topicPrefix,
  sagaOptions: sagaOptionsOf(config),
  deadlinePollMs: config.sagaDeadlinePollMs,
  commandRetries: config.commandRetryLimit,
  clock,
  log,
});

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log({ level: 'info', msg: 'saga stopping', signal });
  await runtime.stop();
  await Promise.allSettled([stopTelemetry(), store.close(), pool.end(), probe.close(), metrics.close()]);
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

try {
  await runtime.start();
} catch (error) {
  log({ level: 'error', msg: 'saga failed to start', error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
log({
  level: 'info',
  msg: 'saga started',
  brokers: config.kafkaBrokers,
  topicPrefix: config.topicPrefix,
  paymentTimeoutMs: config.sagaPaymentTimeoutMs,
  maxAttempts: config.sagaMaxAttempts,
  retryBaseMs: config.sagaRetryBaseMs,
  deadlinePollMs: config.sagaDeadlinePollMs,
});

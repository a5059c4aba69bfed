/**
 * The saga process: `tsx projections/saga/main.ts`. Runs the input consumer, the step dispatcher and the
 * deadline poller; stops cleanly on SIGINT/SIGTERM and is safe to kill -9 at any moment (docs/saga.md).
 * PGOPTIONS (e.g. `-c search_path=<schema>`) reaches both pools through libpq's environment.
 */
import pg from 'pg';
import { createEventStore } from '../../commands/event-store/create-event-store.ts';
import { createPaymentService } from '../../commands/payment/payment-service.ts';
import { configuredPaymentGateway } from '../../commands/payment-gateway/configured-gateway.ts';
import { loadConfig } from '../../deploy/config.ts';
import { SagaRuntime, sagaOptionsOf } from './saga-runner.ts';

const log = (line: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), ...line })}\n`);

const config = loadConfig();
const clock = () => new Date();
const store = createEventStore(config.eventStoreUrl);
const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 4 });
const payments = createPaymentService({
  store,
  gateway: configuredPaymentGateway(config, clock),
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
  await Promise.allSettled([store.close(), pool.end()]);
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

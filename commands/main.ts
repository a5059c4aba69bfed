/**
 * The command API process: `tsx commands/main.ts`. Listens on HOST:COMMAND_API_PORT and stops
 * cleanly on SIGINT/SIGTERM (in-flight requests finish, then the store and Kafka probe close).
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { loadAuthSettings, loadDataKey } from '../deploy/auth-config.ts';
import { loadConfig } from '../deploy/config.ts';
import { tokenVerifier } from '../platform/auth/token-verifier.ts';
import { createPool } from '../platform/postgres.ts';
import { startTelemetry, stopTelemetry } from '../platform/telemetry.ts';
import { createCommandApi } from './api/command-api.ts';
import { createEventStore } from './event-store/create-event-store.ts';
import { kafkaProbe } from './kafka-probe.ts';
import { secretBox } from './webhooks/secret-box.ts';

const logger = startTelemetry('command-api');
const config = loadConfig();
const { verifyToken, dataKey } = (() => {
  try {
    return { verifyToken: tokenVerifier(loadAuthSettings()), dataKey: loadDataKey() };
  } catch (error) {
    logger.fatal(`command API: ${(error as Error).message}`);
    process.exit(1);
  }
})();
const store = createEventStore(config.eventStoreUrl, {
  name: 'command-api',
  max: 20,
  connectTimeoutMs: config.postgresConnectTimeoutMs,
  statementTimeoutMs: config.postgresStatementTimeoutMs,
});
const kafka = kafkaProbe(config.kafkaBrokers);
// Webhook subscriptions live beside the read models, whichever store holds the events.
const pool = createPool({
  connectionString: config.databaseUrl,
  name: 'command-api',
  max: 4,
  connectTimeoutMs: config.postgresConnectTimeoutMs,
  statementTimeoutMs: config.postgresStatementTimeoutMs,
});
const app = createCommandApi({
  store,
  clock: () => new Date(),
  newId: randomUUID,
  isKafkaUp: kafka.isKafkaUp,
  readApiUrl: config.readApiUrl,
  retries: config.commandRetryLimit,
  verifyToken,
  dataKey,
  orderRateLimitPerMinute: config.orderRateLimitPerMinute,
  webhooks: {
    db: pool,
    secrets: secretBox(dataKey),
    urlPolicy: { allowPrivate: config.webhooks.allowPrivate },
  },
  sagaOptions: {
    paymentTimeoutMs: config.sagaPaymentTimeoutMs,
    maxAttempts: config.sagaMaxAttempts,
    retryBaseMs: config.sagaRetryBaseMs,
  },
});

const server = createServer(app.callback());
server.on('error', (error) => {
  logger.fatal({ host: config.host, port: config.commandApiPort, error: error.message }, 'command API cannot listen');
  process.exit(1);
});
server.listen(config.commandApiPort, config.host, () => {
  logger.info({ url: `http://${config.host}:${config.commandApiPort}` }, 'command API listening');
});

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'command API stopping');
  // Requests in flight get a grace period to finish; then their connections are cut.
  setTimeout(() => server.closeAllConnections(), 10_000).unref();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await Promise.allSettled([stopTelemetry(), store.close(), kafka.close(), pool.end()]);
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

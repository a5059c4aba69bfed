/**
 * The query API process: `tsx read-api/main.ts`. Listens on HOST:READ_API_PORT (default
 * 127.0.0.1:3001) and stops cleanly on SIGINT/SIGTERM: the dashboard's event streams are ended,
 * requests in flight finish, then PostgreSQL, Redis and Kafka connections close.
 */
import { createServer } from 'node:http';
import { loadAuthSettings } from '../deploy/auth-config.ts';
import { loadConfig } from '../deploy/config.ts';
import { tokenVerifier } from '../platform/auth/token-verifier.ts';
import { createPool } from '../platform/postgres.ts';
import { createRedis } from '../platform/redis.ts';
import { startTelemetry, stopTelemetry } from '../platform/telemetry.ts';
import { kafkaLagReader } from './projection-lag-reader.ts';
import { createReadApi } from './read-api.ts';

const logger = startTelemetry('read-api');
const config = loadConfig();
const verifyToken = (() => {
  try {
    return tokenVerifier(loadAuthSettings());
  } catch (error) {
    logger.fatal(`query API: ${(error as Error).message}`);
    process.exit(1);
  }
})();
const pool = createPool({
  connectionString: config.databaseUrl,
  name: 'read-api',
  max: 20,
  connectTimeoutMs: config.postgresConnectTimeoutMs,
  statementTimeoutMs: config.postgresStatementTimeoutMs,
});
// Both reconnect by themselves (platform/redis.ts); meanwhile a request fails with 503 and /health says so.
const redis = createRedis({ url: config.redisUrl, name: 'read-api' });
const subscriber = createRedis({ url: config.redisUrl, name: 'read-api-subscriber' });
const lagReader = kafkaLagReader({
  brokers: config.kafkaBrokers,
  pool,
  redis,
  redisKeyPrefix: config.redisKeyPrefix,
  topicPrefix: config.topicPrefix,
});

const api = createReadApi({
  pool,
  redis,
  subscriber,
  redisPrefix: config.redisKeyPrefix,
  lag: lagReader.lag,
  consistencyWaitMs: config.consistencyWaitMs,
  verifyToken,
});

const server = createServer(api.callback());
server.on('error', (error) => {
  logger.fatal({ host: config.host, port: config.readApiPort, error: error.message }, 'query API cannot listen');
  process.exit(1);
});
server.listen(config.readApiPort, config.host, () => {
  logger.info({ url: `http://${config.host}:${config.readApiPort}` }, 'query API listening');
});

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'query API stopping');
  // Event streams never end on their own: end them first, so closing the server does not wait for them.
  await api.close();
  setTimeout(() => server.closeAllConnections(), 10_000).unref();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await Promise.allSettled([stopTelemetry(), pool.end(), lagReader.close(), redis.quit(), subscriber.quit()]);
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

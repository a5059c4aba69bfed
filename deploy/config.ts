/**
 * Every setting the processes read, with its default. `docs/configuration.md` and the README list the same.
 */
const env = (name: string, fallback: string): string => {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : value;
};

const port = (name: string, fallback: number): number => {
  const raw = env(name, String(fallback));
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`${name} must be a TCP port (0-65535), got "${raw}"`);
  }
  return value;
};

const positiveInteger = (name: string, fallback: number): number => {
  const raw = env(name, String(fallback));
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
};

const nonNegativeInteger = (name: string, fallback: number): number => {
  const raw = env(name, String(fallback));
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be an integer >= 0, got "${raw}"`);
  return value;
};

const durationUnits: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `30s`, `15m`, `24h`, `7d`, or a plain number of milliseconds. */
const duration = (name: string, fallback: string): number => {
  const raw = env(name, fallback);
  const match = /^(\d+)\s*(ms|s|m|h|d)?$/.exec(raw.trim());
  const value = match ? Number(match[1]) * durationUnits[match[2] ?? 'ms']! : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`${name} must be a duration such as 30s, 15m or 24h, got "${raw}"`);
  }
  return value;
};

export interface WebhookConfig {
  /** WEBHOOK_ALLOW_PRIVATE=true: subscriptions and deliveries may reach private, loopback, link-local hosts. */
  allowPrivate: boolean;
  /** Attempts per delivery, the first included. */
  maxAttempts: number;
  /** Pause after the first failed attempt, doubled each time (with jitter), never above `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Longest wait for a receiver's answer. */
  timeoutMs: number;
  /** Attempts in flight at once, over all subscriptions. */
  concurrency: number;
  /** Attempts in flight at once to one subscription: what a slow or dead receiver can hold of `concurrency`. */
  perSubscription: number;
  /** How long a subscription may fail every attempt before it is disabled. */
  disableAfterMs: number;
  /** How often the notifier looks for deliveries that came due. */
  pollMs: number;
}

export interface Config {
  databaseUrl: string;
  eventStoreUrl: string;
  redisUrl: string;
  /** Prefixed to every Redis key and channel of the read side (tests isolate with it). */
  redisKeyPrefix: string;
  kafkaBrokers: string[];
  /** Prefixed to every topic name, so tests and side-by-side environments never share topics. */
  topicPrefix: string;
  host: string;
  commandApiPort: number;
  readApiPort: number;
  /** Base URL of the query API, used in the `Location` of an accepted order. */
  readApiUrl: string;
  /** Attempts the command handler makes when another writer moved the stream first. */
  commandRetryLimit: number;
  /** `POST /orders` per token subject per minute (token bucket, per API instance); generous for the benchmarks. */
  orderRateLimitPerMinute: number;
  /** Longest wait for one answer of the card/BNPL gateway; a saga step's deadline can shorten it. */
  gatewayTimeoutMs: number;
  /** Delay of every answer of the simulated gateway, to model a remote call. */
  gatewayLatencyMs: number;
  /** Consecutive gateway failures (errors, timeouts; not declines) that open the circuit breaker. */
  gatewayBreakerFailureThreshold: number;
  /** How long an open breaker fails fast before it lets one trial call through. */
  gatewayBreakerOpenMs: number;
  /** How long the saga waits for the payment's answer before it voids and cancels the order. */
  sagaPaymentTimeoutMs: number;
  /** Attempts of one saga step, the first included, before the saga is stuck on it. */
  sagaMaxAttempts: number;
  /** Pause before a step's second attempt; doubled for each further one. */
  sagaRetryBaseMs: number;
  /** How often the saga looks for deadlines that came due. */
  sagaDeadlinePollMs: number;
  /** How long a query that presents a consistency token waits for its read model before answering stale. */
  consistencyWaitMs: number;
  /** Relay checkpoint and leader-lock name: two relays of one name never publish at once. */
  relayName: string;
  /** Most events the relay publishes in one Kafka request. */
  relayBatchSize: number;
  /** Longest wait for a PostgreSQL connection before the caller gets an error (503 at the APIs). */
  postgresConnectTimeoutMs: number;
  /** Server-side cap on one statement of the services' pools. */
  postgresStatementTimeoutMs: number;
  /** Drills only: while this file exists the simulated gateway fails every call (docs/operations.md). */
  gatewayFaultFile?: string;
  /** Ports of the workers' metrics and health servers (0: any free port). */
  metricsPorts: { relay: number; saga: number; projectors: number; notifier: number };
  webhooks: WebhookConfig;
}

export const loadConfig = (): Config => {
  const databaseUrl = env('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/orders');
  return {
    databaseUrl,
    eventStoreUrl: env('EVENT_STORE_URL', databaseUrl),
    redisUrl: env('REDIS_URL', 'redis://127.0.0.1:6379'),
    redisKeyPrefix: env('REDIS_KEY_PREFIX', 'orders:'),
    kafkaBrokers: env('KAFKA_BROKERS', '127.0.0.1:9092')
      .split(',')
      .map((broker) => broker.trim())
      .filter(Boolean),
    topicPrefix: env('KAFKA_TOPIC_PREFIX', ''),
    host: env('HOST', '127.0.0.1'),
    commandApiPort: port('COMMAND_API_PORT', 3000),
    readApiPort: port('READ_API_PORT', 3001),
    readApiUrl: env('READ_API_URL', 'http://127.0.0.1:3001').replace(/\/+$/, ''),
    commandRetryLimit: positiveInteger('COMMAND_RETRY_LIMIT', 5),
    orderRateLimitPerMinute: positiveInteger('ORDER_RATE_LIMIT_PER_MINUTE', 120_000),
    gatewayTimeoutMs: positiveInteger('GATEWAY_TIMEOUT_MS', 5000),
    gatewayLatencyMs: nonNegativeInteger('GATEWAY_LATENCY_MS', 0),
    gatewayBreakerFailureThreshold: positiveInteger('GATEWAY_BREAKER_FAILURE_THRESHOLD', 5),
    gatewayBreakerOpenMs: positiveInteger('GATEWAY_BREAKER_OPEN_MS', 5000),
    sagaPaymentTimeoutMs: positiveInteger('SAGA_PAYMENT_TIMEOUT_MS', 30_000),
    sagaMaxAttempts: positiveInteger('SAGA_MAX_ATTEMPTS', 5),
    sagaRetryBaseMs: positiveInteger('SAGA_RETRY_BASE_MS', 200),
    sagaDeadlinePollMs: positiveInteger('SAGA_DEADLINE_POLL_MS', 100),
    consistencyWaitMs: positiveInteger('CONSISTENCY_WAIT_MS', 2_000),
    relayName: env('RELAY_NAME', 'relay'),
    relayBatchSize: positiveInteger('RELAY_BATCH_SIZE', 1000),
    postgresConnectTimeoutMs: positiveInteger('PG_CONNECT_TIMEOUT_MS', 5_000),
    postgresStatementTimeoutMs: positiveInteger('PG_STATEMENT_TIMEOUT_MS', 30_000),
    gatewayFaultFile: env('GATEWAY_FAULT_FILE', '') || undefined,
    metricsPorts: {
      relay: port('METRICS_PORT_RELAY', 9101),
      saga: port('METRICS_PORT_SAGA', 9102),
      projectors: port('METRICS_PORT_PROJECTORS', 9103),
      notifier: port('METRICS_PORT_NOTIFIER', 9104),
    },
    webhooks: {
      allowPrivate: env('WEBHOOK_ALLOW_PRIVATE', 'false') === 'true',
      maxAttempts: positiveInteger('WEBHOOK_MAX_ATTEMPTS', 8),
      retryBaseMs: duration('WEBHOOK_RETRY_BASE', '5s'),
      retryMaxMs: duration('WEBHOOK_RETRY_MAX', '1h'),
      timeoutMs: duration('WEBHOOK_TIMEOUT', '10s'),
      concurrency: positiveInteger('WEBHOOK_CONCURRENCY', 16),
      perSubscription: positiveInteger('WEBHOOK_PER_SUBSCRIPTION', 4),
      disableAfterMs: duration('WEBHOOK_DISABLE_AFTER', '24h'),
      pollMs: duration('WEBHOOK_POLL', '250ms'),
    },
  };
};

import Koa from 'koa';
import type { SagaOptions } from '../../domain/order-saga/options.ts';
import type { TokenVerifier } from '../../platform/auth/token-verifier.ts';
import { authentication } from '../../platform/http/access.ts';
import { type ErrorLogger, errorMiddleware, logUnexpectedError } from '../../platform/http/error-middleware.ts';
import { metricsRoute } from '../../platform/http/metrics-route.ts';
import { openApiDocument, openApiRoutes } from '../../platform/http/openapi.ts';
import { problem } from '../../platform/http/problem.ts';
import { tokenBucketLimiter } from '../../platform/http/rate-limit.ts';
import { requestTelemetry } from '../../platform/http/request-telemetry.ts';
import { securityHeaders } from '../../platform/http/security-headers.ts';
import { type EventStore, WrongExpectedVersionError } from '../event-store/event-store.ts';
import { couponsRoutes } from './coupons-routes.ts';
import { customersRoutes } from './customers-routes.ts';
import { healthRoutes } from './health-routes.ts';
import { inventoryRoutes } from './inventory-routes.ts';
import { ordersRoutes } from './orders-routes.ts';
import { paymentsRoutes } from './payments-routes.ts';
import { sagasRoutes } from './sagas-routes.ts';
import { type WebhooksDependencies, webhooksRoutes } from './webhooks-routes.ts';

export interface CommandApiOptions {
  store: EventStore;
  clock: () => Date;
  newId: () => string;
  isKafkaUp: () => Promise<boolean>;
  /** Base URL of the query API, e.g. `http://127.0.0.1:3001`. */
  readApiUrl: string;
  /** Attempts of the command handler on a version conflict (default 5). */
  retries?: number;
  /** Where unexpected errors go; their details never reach the client. */
  logError?: ErrorLogger;
  /** How long `/health` waits for each part. */
  healthTimeoutMs?: number;
  /** Checks bearer tokens (platform/auth/token-verifier.ts). */
  verifyToken: TokenVerifier;
  /** Seals card tokens and keys idempotency ids (deploy/auth-config.ts `loadDataKey`). */
  dataKey: Buffer;
  /** The saga's timing and retry policy, the same the saga process uses (`SAGA_*`), for the operators' saga routes. */
  sagaOptions?: Partial<SagaOptions>;
  /** `POST /orders` per token subject per minute (default 120,000: the benchmarks' rates from one subject pass). */
  orderRateLimitPerMinute?: number;
  /** The webhook subscriptions (`/webhooks`); the routes are left out without them. */
  webhooks?: Omit<WebhooksDependencies, 'newId'>;
}

export const commandApiInfo = {
  title: 'Order backend: command API',
  version: '1',
  description:
    'Commands over HTTP: every request is checked against the schemas below before anything is read or written. Refusals are problem details (RFC 9457).',
};

/** The command side over HTTP: the error middleware first, then one router per resource. */
export const createCommandApi = (options: CommandApiOptions): Koa => {
  const { store, isKafkaUp, readApiUrl, logError = logUnexpectedError, healthTimeoutMs } = options;
  const deps = {
    store,
    clock: options.clock,
    newId: options.newId,
    retries: options.retries,
    dataKey: options.dataKey,
  };
  const orderRateLimit = tokenBucketLimiter({
    perMinute: options.orderRateLimitPerMinute ?? 120_000,
    clock: options.clock,
  });
  const app = new Koa();
  app.use(requestTelemetry());
  app.use(errorMiddleware(logError, storeProblem));
  app.use(securityHeaders());
  app.use(metricsRoute());
  app.use(authentication(options.verifyToken));
  const routers = [
    healthRoutes({ store, isKafkaUp, timeoutMs: healthTimeoutMs }),
    inventoryRoutes(deps),
    customersRoutes(deps),
    couponsRoutes(deps),
    paymentsRoutes(deps),
    sagasRoutes({ ...deps, ...(options.sagaOptions ? { sagaOptions: options.sagaOptions } : {}) }),
    ordersRoutes({ ...deps, readApiUrl: readApiUrl.replace(/\/+$/, ''), orderRateLimit }),
    ...(options.webhooks ? [webhooksRoutes({ ...options.webhooks, newId: options.newId })] : []),
  ];
  const docs = openApiRoutes(() => openApiDocument(commandApiInfo, routers));
  for (const router of [...routers, docs]) {
    app.use(router.routes()).use(router.allowedMethods());
  }
  return app;
};

const storeProblem = (error: unknown) =>
  error instanceof WrongExpectedVersionError
    ? problem(409, 'concurrency_conflict', 'concurrency_conflict: the resource kept changing, retry the request')
    : undefined;

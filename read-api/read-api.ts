import type { Redis } from 'ioredis';
import Koa from 'koa';
import type pg from 'pg';
import type { TokenVerifier } from '../platform/auth/token-verifier.ts';
import { authentication } from '../platform/http/access.ts';
import { type ErrorLogger, errorMiddleware, logUnexpectedError } from '../platform/http/error-middleware.ts';
import { metricsRoute } from '../platform/http/metrics-route.ts';
import { openApiDocument, openApiRoutes } from '../platform/http/openapi.ts';
import { requestTelemetry } from '../platform/http/request-telemetry.ts';
import { securityHeaders } from '../platform/http/security-headers.ts';
import { isProjectedStream, projectedVersion } from '../projections/projector/projected-version.ts';
import { type ChangeFeed, changesChannel, redisChangeFeed } from './change-feed.ts';
import { consistencyWait } from './consistency-wait.ts';
import { type DashboardEventsOptions, dashboardEvents } from './dashboard-events.ts';
import { dashboardPageRoutes } from './dashboard-page-routes.ts';
import { dashboardRoutes, type ProjectionLagReader } from './dashboard-routes.ts';
import { redisEventTickets } from './event-tickets.ts';
import { healthRoutes } from './health-routes.ts';
import { inventoryRoutes } from './inventory-routes.ts';
import { ordersRoutes } from './orders-routes.ts';
import { sagasRoutes } from './sagas-routes.ts';

export interface ReadApiOptions {
  pool: pg.Pool;
  redis: Redis;
  /** Prefix of the projectors' Redis keys and of their `<prefix>changes` channel. */
  redisPrefix: string;
  /** Each projection's lag, for the dashboard. */
  lag: ProjectionLagReader;
  /** How long a query with `X-Consistency-Token` waits for its read model (default 2000). */
  consistencyWaitMs?: number;
  /** A connection for SUBSCRIBE only; by default a duplicate of `redis`, opened on first use and closed by `close()`. */
  subscriber?: Redis;
  /** Where unexpected errors go; their details never reach the client. */
  logError?: ErrorLogger;
  healthTimeoutMs?: number;
  events?: Omit<DashboardEventsOptions, 'changes'>;
  /** Checks bearer tokens (platform/auth/token-verifier.ts). */
  verifyToken: TokenVerifier;
}

/** The Koa app, plus `close()` that ends the SSE streams and the change subscription (for shutdown). */
export type ReadApi = Koa & {
  close(): Promise<void>;
  /** Open `GET /dashboard/events` streams. */
  eventClients(): number;
};

export const readApiInfo = {
  title: 'Order backend: query API',
  version: '1',
  description:
    "Read models over HTTP. Every query parameter is checked against the schemas below; refusals are problem details (RFC 9457). The operators' dashboard page is at /.",
};

/** The query side over HTTP: the error middleware first, then one router per resource. */
export const createReadApi = (options: ReadApiOptions): ReadApi => {
  const { pool, redis, redisPrefix, lag, consistencyWaitMs = 2_000, logError = logUnexpectedError } = options;
  const changes = lazyChangeFeed(() => options.subscriber ?? quietDuplicate(redis), changesChannel(redisPrefix));
  const events = dashboardEvents({ ...options.events, changes });
  const consistency = consistencyWait({
    isProjected: isProjectedStream,
    projectedVersion: (streamId) => projectedVersion(pool, streamId),
    changes,
    waitMs: consistencyWaitMs,
  });

  const app = new Koa();
  // Errors after the answer started (a stream body): a client that leaves an event stream is normal.
  app.on('error', (error: { code?: unknown }) => {
    if (error?.code !== 'ERR_STREAM_PREMATURE_CLOSE') logError('a response failed while it was sent', error);
  });
  app.use(requestTelemetry());
  app.use(errorMiddleware(logError));
  app.use(securityHeaders());
  app.use(metricsRoute());
  app.use(authentication(options.verifyToken));
  const routers = [
    healthRoutes({ pool, redis, timeoutMs: options.healthTimeoutMs }),
    ordersRoutes({ pool, consistency }),
    sagasRoutes({ pool, consistency }),
    inventoryRoutes({ pool, consistency }),
    dashboardRoutes({ redis, pool, redisPrefix, lag, events, tickets: redisEventTickets(redis, redisPrefix) }),
  ];
  const docs = openApiRoutes(() => openApiDocument(readApiInfo, routers));
  for (const router of [...routers, dashboardPageRoutes(), docs]) {
    app.use(router.routes()).use(router.allowedMethods());
  }
  return Object.assign(app, {
    eventClients: () => events.clientCount(),
    close: async () => {
      events.close();
      await changes.close();
    },
  });
};

/** ioredis reconnects by itself; while Redis is away `/health` says so, the log need not repeat it. */
const quietDuplicate = (redis: Redis): Redis => redis.duplicate().on('error', () => undefined);

/** Opens the subscriber connection only when something first listens, so an idle API holds none. */
const lazyChangeFeed = (connect: () => Redis, channel: string): ChangeFeed & { close(): Promise<void> } => {
  let connection: Redis | undefined;
  let feed: ChangeFeed | undefined;
  return {
    onChange: (listener) => {
      if (!feed) {
        connection = connect();
        feed = redisChangeFeed(connection, channel);
      }
      return feed.onChange(listener);
    },
    close: async () => {
      await feed?.close();
      feed = undefined;
      connection?.disconnect();
      connection = undefined;
    },
  };
};

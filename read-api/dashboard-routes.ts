import type { Redis } from 'ioredis';
import { z } from 'zod';
import { isOperator } from '../platform/auth/actor.ts';
import { forbidden, requireAccess, unauthenticated } from '../platform/http/access.ts';
import { ApiRouter } from '../platform/http/api-router.ts';
import { object } from '../platform/http/fields.ts';
import { queryText } from '../platform/http/query-fields.ts';
import { refusals, success } from '../platform/http/responses.ts';
import { readDashboardCounters } from '../projections/dashboard/dashboard-counters.ts';
import { notificationCounts } from '../projections/notifications/notification-queries.ts';
import type { Queryable } from '../projections/projector/projection.ts';
import type { ProjectorLag } from '../projections/projector/projection-lag.ts';
import type { DashboardEvents } from './dashboard-events.ts';
import type { EventTickets } from './event-tickets.ts';

/** Each projector's lag behind its Kafka topics. */
export type ProjectionLagReader = () => Promise<ProjectorLag[]>;

export interface DashboardDependencies {
  redis: Redis;
  /** The PostgreSQL read models (webhook delivery outcomes). */
  pool: Queryable;
  redisPrefix: string;
  lag: ProjectionLagReader;
  events: DashboardEvents;
  tickets: EventTickets;
  /** How long the summary waits for the lag (Kafka) before it answers without it. */
  lagTimeoutMs?: number;
}

const counts = z.record(z.string(), z.int().min(0));
const partitionLag = z.strictObject({
  topic: z.string(),
  partition: z.int().min(0),
  endOffset: z.int(),
  nextOffset: z.int(),
  lag: z.int(),
  lastEventAt: z.string().optional(),
});
const projectionLag = z.strictObject({
  projector: z.string(),
  groupId: z.string(),
  store: z.enum(['postgres', 'redis']),
  lag: z.int(),
  lastEventAt: z.string().optional(),
  partitions: z.array(partitionLag),
});

export const dashboardSummary = z.strictObject({
  ordersByStatus: counts,
  sagasByState: counts,
  ordersPerMinute: z.array(z.strictObject({ minute: z.string(), count: z.int().min(0) })),
  topSkus: z.array(z.strictObject({ sku: z.string(), unitsSold: z.number() })),
  projections: z.array(projectionLag).nullable().meta({ description: 'null when Kafka did not answer in time' }),
  projectionLagError: z.string().optional(),
  notifications: z
    .strictObject({ sent: z.int().min(0), failed: z.int().min(0) })
    .meta({ description: 'webhook deliveries by outcome (docs/notifications.md)' }),
});

/**
 * `GET /dashboard/summary`: the projectors' Redis counters, webhook deliveries by outcome and each
 * projection's lag (`projections`).
 * `GET /dashboard/events`: `text/event-stream` that says when to read again.
 */
export const dashboardRoutes = ({
  redis,
  pool,
  redisPrefix,
  lag,
  events,
  tickets,
  lagTimeoutMs = 3_000,
}: DashboardDependencies): ApiRouter => {
  const router = new ApiRouter({ prefix: '/dashboard', tag: 'dashboard' });

  const summary = {
    summary: "The projectors' counters and each projection's lag",
    access: 'operator' as const,
    responses: { 200: success('Counters and lag', dashboardSummary) },
  };
  router.get('/summary', summary, async (ctx) => {
    const [counters, notifications, projections] = await Promise.all([
      readDashboardCounters(redis, redisPrefix),
      notificationCounts(pool),
      settleWithin(lag(), lagTimeoutMs),
    ]);
    ctx.set('Cache-Control', 'no-store');
    // Kafka being down is when operators need the page most: the counters still come, the lag says why not.
    ctx.body =
      'value' in projections
        ? { ...counters, notifications, projections: projections.value }
        : { ...counters, notifications, projections: null, projectionLagError: projections.error };
  });

  const ticketIssued = z.strictObject({ ticket: z.string(), expiresInSeconds: z.int().min(1) });
  router.post(
    '/events/tickets',
    {
      summary: 'A single-use ticket that opens one event stream within seconds',
      description:
        'For browsers: EventSource cannot send a bearer token, and a long-lived token does not belong in a URL.',
      responses: { 201: success('The ticket', ticketIssued) },
    },
    async (ctx, { actor }) => {
      ctx.set('Cache-Control', 'no-store');
      ctx.status = 201;
      ctx.body = { ticket: await tickets.issue(actor!), expiresInSeconds: tickets.ttlSeconds };
    },
  );

  const eventStream = {
    summary: 'Server-sent events that say when to read the summary again',
    description:
      'Opens with `?ticket=` (from `POST /dashboard/events/tickets`, spent on use) or an operator bearer token. Operators only.',
    access: 'open' as const,
    query: object({ ticket: queryText(100) }),
    responses: {
      200: { description: '`change` and `refresh` events', contentType: 'text/event-stream' },
      ...refusals(400),
      401: {
        description: 'No ticket or bearer token, or an unknown, expired or spent ticket',
        headers: { 'WWW-Authenticate': 'Bearer realm="orders", with error="invalid_token" when a credential came' },
      },
      403: { description: 'The bearer token does not carry the operator role' },
    },
  };
  router.get('/events', eventStream, async (ctx, { query }) => {
    if (query.ticket === undefined) {
      await requireAccess(ctx, 'operator');
    } else {
      const actor = await tickets.redeem(query.ticket);
      if (!actor) throw unauthenticated('the ticket is unknown, expired or already used');
      if (!isOperator(actor)) throw forbidden('this needs the operator role');
    }
    events.open(ctx);
  });

  return router;
};

const settleWithin = async <T>(work: Promise<T>, timeoutMs: number): Promise<{ value: T } | { error: string }> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ error: string }>((resolve) => {
    timer = setTimeout(() => resolve({ error: `no answer from Kafka within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([
      work.then(
        (value) => ({ value }),
        (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
};

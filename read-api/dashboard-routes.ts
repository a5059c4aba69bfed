import type { Redis } from 'ioredis';
import { z } from 'zod';
import { ApiRouter } from '../platform/http/api-router.ts';
import { success } from '../platform/http/responses.ts';
import { readDashboardCounters } from '../projections/dashboard/dashboard-counters.ts';
import type { ProjectorLag } from '../projections/projector/projection-lag.ts';
import type { DashboardEvents } from './dashboard-events.ts';

/** Each projector's lag behind its Kafka topics. */
export type ProjectionLagReader = () => Promise<ProjectorLag[]>;

export interface DashboardDependencies {
  redis: Redis;
  redisPrefix: string;
  lag: ProjectionLagReader;
  events: DashboardEvents;
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
});

/**
 * `GET /dashboard/summary`: the projectors' Redis counters and each projection's lag (`projections`).
 * `GET /dashboard/events`: `text/event-stream` that says when to read again.
 */
export const dashboardRoutes = ({
  redis,
  redisPrefix,
  lag,
  events,
  lagTimeoutMs = 3_000,
}: DashboardDependencies): ApiRouter => {
  const router = new ApiRouter({ prefix: '/dashboard', tag: 'dashboard' });

  const summary = {
    summary: "The projectors' counters and each projection's lag",
    responses: { 200: success('Counters and lag', dashboardSummary) },
  };
  router.get('/summary', summary, async (ctx) => {
    const [counters, projections] = await Promise.all([
      readDashboardCounters(redis, redisPrefix),
      settleWithin(lag(), lagTimeoutMs),
    ]);
    ctx.set('Cache-Control', 'no-store');
    // Kafka being down is when operators need the page most: the counters still come, the lag says why not.
    ctx.body =
      'value' in projections
        ? { ...counters, projections: projections.value }
        : { ...counters, projections: null, projectionLagError: projections.error };
  });

  const eventStream = {
    summary: 'Server-sent events that say when to read the summary again',
    responses: { 200: { description: '`change` and `refresh` events', contentType: 'text/event-stream' } },
  };
  router.get('/events', eventStream, (ctx) => {
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

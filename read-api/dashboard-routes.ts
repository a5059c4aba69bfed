import Router from '@koa/router';
import type { Redis } from 'ioredis';
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
}: DashboardDependencies): Router => {
  const router = new Router({ prefix: '/dashboard' });

  router.get('/summary', async (ctx) => {
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

  router.get('/events', (ctx) => {
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

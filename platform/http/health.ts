import { z } from 'zod';
import { type HealthProbes, healthReport } from '../health.ts';
import { ApiRouter } from './api-router.ts';

export type { HealthProbes } from '../health.ts';

/** `{status, <part>: 'up' | 'down', ...}` for these parts (plus any details a process adds). */
export const healthBody = (parts: readonly string[]) =>
  z.looseObject({
    status: z.enum(['ok', 'down']),
    ...Object.fromEntries(parts.map((part) => [part, z.enum(['up', 'down'])])),
  });

/**
 * `GET /health`: every probe runs at once, each given `timeoutMs`; 200 only when all are up, else 503.
 * The body is `{status: 'ok' | 'down', <part>: 'up' | 'down', ...}` (platform/health.ts).
 */
export const healthCheckRoutes = (probes: HealthProbes, timeoutMs: number): ApiRouter => {
  const router = new ApiRouter({ tag: 'health' });
  const body = healthBody(Object.keys(probes));
  const spec = {
    summary: 'Whether every dependency answers',
    access: 'open' as const,
    responses: {
      200: { description: 'Every part is up', body },
      503: { description: 'A part is down; the body names it', body, contentType: 'application/json' },
    },
  };
  router.get('/health', spec, async (ctx) => {
    const report = await healthReport(probes, timeoutMs);
    ctx.status = report.status;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = report.body;
  });
  return router;
};

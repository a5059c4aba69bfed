import { z } from 'zod';
import { ApiRouter } from './api-router.ts';

/** Each part a service depends on, by the name `/health` reports it under; a probe answers true when it is up. */
export type HealthProbes = Record<string, () => Promise<boolean>>;

/**
 * `GET /health`: every probe runs at once, each given `timeoutMs`; 200 only when all are up, else 503.
 * The body is `{status: 'ok' | 'down', <part>: 'up' | 'down', ...}`.
 */
export const healthCheckRoutes = (probes: HealthProbes, timeoutMs: number): ApiRouter => {
  const router = new ApiRouter({ tag: 'health' });
  const body = healthBody(Object.keys(probes));
  const spec = {
    summary: 'Whether every dependency answers',
    responses: {
      200: { description: 'Every part is up', body },
      503: { description: 'A part is down; the body names it', body, contentType: 'application/json' },
    },
  };
  router.get('/health', spec, async (ctx) => {
    const parts = Object.entries(probes);
    const up = await Promise.all(parts.map(([, probe]) => answersWithin(probe, timeoutMs)));
    const allUp = up.every(Boolean);
    ctx.status = allUp ? 200 : 503;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      status: allUp ? 'ok' : 'down',
      ...Object.fromEntries(parts.map(([name], index) => [name, up[index] ? 'up' : 'down'])),
    };
  });
  return router;
};

/** `{status, <part>: 'up' | 'down', ...}` for these parts. */
export const healthBody = (parts: readonly string[]) =>
  z.strictObject({
    status: z.enum(['ok', 'down']),
    ...Object.fromEntries(parts.map((part) => [part, z.enum(['up', 'down'])])),
  });

/** False when the probe says no, fails, or takes longer than `timeoutMs`: a health check must answer quickly. */
export const answersWithin = async (probe: () => Promise<boolean>, timeoutMs: number): Promise<boolean> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([probe().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
};

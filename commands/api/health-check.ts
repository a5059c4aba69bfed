import Router from '@koa/router';
import { type HealthProbes, healthReport } from '../../platform/health.ts';

export type { HealthProbes } from '../../platform/health.ts';

/**
 * `GET /health`: every probe runs at once, each given `timeoutMs`; 200 only when all are up, else 503.
 * The body is `{status: 'ok' | 'down', <part>: 'up' | 'down', ...}` (platform/health.ts).
 */
export const healthCheckRoutes = (probes: HealthProbes, timeoutMs: number): Router => {
  const router = new Router();
  router.get('/health', async (ctx) => {
    const report = await healthReport(probes, timeoutMs);
    ctx.status = report.status;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = report.body;
  });
  return router;
};

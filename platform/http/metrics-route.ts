import type { Middleware } from 'koa';
import { metricsContentType, metricsText } from '../metrics.ts';

/**
 * `GET /metrics`: this process's metrics in the Prometheus text format, for the scraper. Not an API
 * operation (it is not in the OpenAPI document) and, like `/health`, meant for the internal network.
 */
export const metricsRoute = (): Middleware => async (ctx, next) => {
  if (ctx.path !== '/metrics' || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
  ctx.set('Cache-Control', 'no-store');
  ctx.type = metricsContentType;
  ctx.body = await metricsText();
};

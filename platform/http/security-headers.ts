import type { Middleware } from 'koa';

/**
 * Headers every answer of both APIs carries unless a route sets its own (the dashboard page and the API
 * reference set a Content-Security-Policy that lets their own script run; a stream sets its caching).
 * JSON answers may hold a customer's data: nothing caches them, nothing frames them, nothing sniffs them.
 */
const defaults: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'Cache-Control': 'no-store',
};

export const securityHeaders = (): Middleware => async (ctx, next) => {
  ctx.set(defaults);
  await next();
};

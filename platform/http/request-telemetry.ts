import type { Context, Middleware } from 'koa';
import { httpRequestDuration } from '../metrics.ts';
import { contextOf, inSpan, SpanKind } from '../tracing.ts';

/** The route pattern that answered (`/orders/:id`), so a label never holds an id; `unmatched` for the rest. */
const routeOf = (ctx: Context): string => {
  const route = (ctx as { _matchedRoute?: unknown })._matchedRoute;
  return typeof route === 'string' ? route : 'unmatched';
};

/**
 * First in each API's chain, so it sees the final status the error middleware gives: times the request and
 * runs it in a server span that continues the caller's `traceparent` (when tracing is on), so what the request
 * appends carries that trace on. The span is named after the route once it is known.
 */
export const requestTelemetry = (): Middleware => (ctx, next) => {
  const answered = httpRequestDuration.startTimer();
  return inSpan(
    `${ctx.method} request`,
    {
      kind: SpanKind.SERVER,
      parent: contextOf(ctx.get('traceparent') || undefined),
      attributes: { 'http.request.method': ctx.method },
    },
    async (span) => {
      try {
        await next();
      } finally {
        const route = routeOf(ctx);
        answered({ method: ctx.method, route, status: String(ctx.status) });
        span?.updateName(`${ctx.method} ${route}`);
        span?.setAttributes({ 'http.route': route, 'http.response.status_code': ctx.status });
      }
    },
  );
};

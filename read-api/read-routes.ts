import type { Middleware } from 'koa';
import type pg from 'pg';

/** What the resource routers of the query API receive. */
export interface ReadRoutesDependencies {
  pool: pg.Pool;
  /** Runs first on every route: the read-your-writes wait for `X-Consistency-Token`. */
  consistency: Middleware;
}

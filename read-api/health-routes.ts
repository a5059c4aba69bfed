import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { ApiRouter } from '../platform/http/api-router.ts';
import { healthCheckRoutes } from '../platform/http/health.ts';

export interface HealthDependencies {
  pool: pg.Pool;
  redis: Redis;
  /** How long each part may take to answer before it counts as down. */
  timeoutMs?: number;
}

/** `GET /health`: 200 only when PostgreSQL and Redis both answer, else 503 naming what is down. */
export const healthRoutes = ({ pool, redis, timeoutMs = 2_000 }: HealthDependencies): ApiRouter =>
  healthCheckRoutes(
    {
      postgres: async () => (await pool.query('SELECT 1')).rowCount === 1,
      redis: async () => (await redis.ping()) === 'PONG',
    },
    timeoutMs,
  );

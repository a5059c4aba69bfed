import Router from '@koa/router';
import type { Redis } from 'ioredis';
import type pg from 'pg';

export interface HealthDependencies {
  pool: pg.Pool;
  redis: Redis;
  /** How long each part may take to answer before it counts as down. */
  timeoutMs?: number;
}

/** `GET /health`: 200 only when PostgreSQL and Redis both answer, else 503 naming what is down. */
export const healthRoutes = ({ pool, redis, timeoutMs = 2_000 }: HealthDependencies): Router => {
  const router = new Router();
  router.get('/health', async (ctx) => {
    const [postgresUp, redisUp] = await Promise.all([
      answers(async () => (await pool.query('SELECT 1')).rowCount === 1, timeoutMs),
      answers(async () => (await redis.ping()) === 'PONG', timeoutMs),
    ]);
    const up = postgresUp && redisUp;
    ctx.status = up ? 200 : 503;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      status: up ? 'ok' : 'down',
      postgres: postgresUp ? 'up' : 'down',
      redis: redisUp ? 'up' : 'down',
    };
  });
  return router;
};

const answers = async (probe: () => Promise<boolean>, timeoutMs: number): Promise<boolean> => {
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

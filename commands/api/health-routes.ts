import Router from '@koa/router';
import type { EventStore } from '../event-store/event-store.ts';

export interface HealthDependencies {
  store: EventStore;
  isKafkaUp: () => Promise<boolean>;
  /** How long each part may take to answer before it counts as down. */
  timeoutMs?: number;
}

/** `GET /health`: 200 only when the event store and Kafka both answer, else 503 naming what is down. */
export const healthRoutes = ({ store, isKafkaUp, timeoutMs = 2_000 }: HealthDependencies): Router => {
  const router = new Router();
  router.get('/health', async (ctx) => {
    const [storeUp, kafkaUp] = await Promise.all([
      answers(() => store.ping(), timeoutMs),
      answers(isKafkaUp, timeoutMs),
    ]);
    ctx.status = storeUp && kafkaUp ? 200 : 503;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      status: storeUp && kafkaUp ? 'ok' : 'down',
      store: storeUp ? 'up' : 'down',
      kafka: kafkaUp ? 'up' : 'down',
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

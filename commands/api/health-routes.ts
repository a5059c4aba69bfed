import type Router from '@koa/router';
import type { EventStore } from '../event-store/event-store.ts';
import { healthCheckRoutes } from './health-check.ts';

export interface HealthDependencies {
  store: EventStore;
  isKafkaUp: () => Promise<boolean>;
  /** How long each part may take to answer before it counts as down. */
  timeoutMs?: number;
}

/** `GET /health`: 200 only when the event store and Kafka both answer, else 503 naming what is down. */
export const healthRoutes = ({ store, isKafkaUp, timeoutMs = 2_000 }: HealthDependencies): Router =>
  healthCheckRoutes({ store: () => store.ping(), kafka: isKafkaUp }, timeoutMs);

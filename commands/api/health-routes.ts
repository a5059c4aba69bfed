import type { ApiRouter } from '../../platform/http/api-router.ts';
import { healthCheckRoutes } from '../../platform/http/health.ts';
import type { EventStore } from '../event-store/event-store.ts';

export interface HealthDependencies {
  store: EventStore;
  isKafkaUp: () => Promise<boolean>;
  /** How long each part may take to answer before it counts as down. */
  timeoutMs?: number;
}

/** `GET /health`: 200 only when the event store and Kafka both answer, else 503 naming what is down. */
export const healthRoutes = ({ store, isKafkaUp, timeoutMs = 2_000 }: HealthDependencies): ApiRouter =>
  healthCheckRoutes({ store: () => store.ping(), kafka: isKafkaUp }, timeoutMs);

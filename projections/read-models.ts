import type { Redis } from 'ioredis';
import type { Admin } from 'kafkajs';
import { dashboardProjectorLag } from './dashboard/dashboard-lag.ts';
import { dashboardGroupId, dashboardTopics } from './dashboard/dashboard-projector.ts';
import { inventoryProjection } from './inventory/inventory-projection.ts';
import { ordersProjection } from './orders/orders-projection.ts';
import { paymentsProjection } from './payments/payments-projection.ts';
import type { Projection } from './projector/projection.ts';
import { type ProjectorLag, postgresProjectorLag } from './projector/projection-lag.ts';
import { projectorGroupId } from './projector/transactional-projector.ts';
import { sagasProjection } from './sagas/sagas-projection.ts';

/** The PostgreSQL read models, each its own projection (own consumer group, own offsets). */
export const postgresReadModels = (): Projection[] => [
  ordersProjection(),
  inventoryProjection(),
  paymentsProjection(),
  sagasProjection(),
];

export const readModelNames = ['orders', 'inventory', 'payments', 'sagas', 'dashboard'] as const;
export type ReadModelName = (typeof readModelNames)[number];

export interface ProjectionLagSources {
  /** Connected; the caller owns it. */
  admin: Admin;
  pool: Parameters<typeof postgresProjectorLag>[1];
  redis: Redis;
  redisKeyPrefix: string;
  topicPrefix?: string;
}

/**
 * Lag of every projector: per partition, Kafka's end offset minus where the projector stands
 * (PostgreSQL read models: `projection_offsets`; the Redis dashboard: its group's committed
 * offsets), and the time of the last event applied.
 */
export const projectionLag = async ({
  admin,
  pool,
  redis,
  redisKeyPrefix,
  topicPrefix = '',
}: ProjectionLagSources): Promise<ProjectorLag[]> => {
  const postgres = postgresReadModels().map((projection) =>
    postgresProjectorLag(admin, pool, {
      projector: projection.name,
      projection: projection.name,
      groupId: projectorGroupId(projection.name, topicPrefix),
      topics: projection.topics.map((topic) => `${topicPrefix}${topic}`),
    }),
  );
  const dashboard = dashboardProjectorLag(admin, redis, redisKeyPrefix, {
    projector: 'dashboard',
    groupId: dashboardGroupId(topicPrefix),
    topics: dashboardTopics.map((topic) => `${topicPrefix}${topic}`),
  });
  return Promise.all([...postgres, dashboard]);
};

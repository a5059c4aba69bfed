import type { Redis } from 'ioredis';
import type { Admin } from 'kafkajs';
import { committedGroupOffsets, type LagSubject, lagOf, type ProjectorLag } from '../projector/projection-lag.ts';
import { dashboardKeys } from './dashboard-keys.ts';

/** Lag of the Redis projector: its positions are the offsets the group committed to Kafka. */
export const dashboardProjectorLag = async (
  admin: Admin,
  redis: Redis,
  keyPrefix: string,
  subject: LagSubject,
): Promise<ProjectorLag> => {
  const [committed, lastEvents] = await Promise.all([
    committedGroupOffsets(admin, subject.groupId, subject.topics),
    redis.hgetall(dashboardKeys(keyPrefix).lastEvent),
  ]);
  return lagOf(admin, subject, 'redis', (topic, partition) => {
    const key = `${topic}:${partition}`;
    const nextOffset = committed.get(key);
    const lastEventAt = lastEvents[key];
    if (nextOffset === undefined) return undefined;
    return lastEventAt ? { nextOffset, lastEventAt } : { nextOffset };
  });
};

import type { Admin } from 'kafkajs';
import type { Queryable } from './projection.ts';
import { readPartitionOffsets } from './projection-offsets.ts';

export interface PartitionLag {
  topic: string;
  partition: number;
  /** Kafka's high watermark: the offset the next record will get. */
  endOffset: number;
  /** The next offset the projector will apply (stored in PostgreSQL, or committed to Kafka). */
  nextOffset: number;
  /** Records written but not applied yet. */
  lag: number;
  /** `recordedAt` of the last event applied from the partition, when known. */
  lastEventAt?: string;
}

export interface ProjectorLag {
  /** The read model (`orders`, `dashboard`, ...). */
  projector: string;
  groupId: string;
  store: 'postgres' | 'redis';
  /** Sum over the partitions. */
  lag: number;
  /** The latest `lastEventAt` over the partitions. */
  lastEventAt?: string;
  partitions: PartitionLag[];
}

export interface Position {
  nextOffset: bigint;
  lastEventAt?: string;
}

export interface LagSubject {
  projector: string;
  groupId: string;
  /** Full topic names. */
  topics: readonly string[];
}

/**
 * Lag per partition of the topics: end offset minus where the projector stands (a partition it has
 * never read stands at the log start). `positionOf` answers from the projector's own store.
 */
export const lagOf = async (
  admin: Admin,
  subject: LagSubject,
  store: ProjectorLag['store'],
  positionOf: (topic: string, partition: number) => Position | undefined,
): Promise<ProjectorLag> => {
  const partitions: PartitionLag[] = [];
  for (const topic of subject.topics) {
    const offsets = await admin.fetchTopicOffsets(topic);
    for (const { partition, high, low } of offsets) {
      const position = positionOf(topic, partition);
      const endOffset = Number(high);
      const nextOffset = Math.max(Number(position?.nextOffset ?? 0n), Number(low));
      partitions.push({
        topic,
        partition,
        endOffset,
        nextOffset,
        lag: Math.max(0, endOffset - nextOffset),
        ...(position?.lastEventAt ? { lastEventAt: position.lastEventAt } : {}),
      });
    }
  }
  partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  const lastEventAt = partitions
    .map((p) => p.lastEventAt)
    .filter((at): at is string => at !== undefined)
    .sort()
    .at(-1);
  return {
    projector: subject.projector,
    groupId: subject.groupId,
    store,
    lag: partitions.reduce((sum, p) => sum + p.lag, 0),
    ...(lastEventAt ? { lastEventAt } : {}),
    partitions,
  };
};

/** Lag of a transactional projector: its positions are the rows of `projection_offsets`. */
export const postgresProjectorLag = async (
  admin: Admin,
  db: Queryable,
  subject: LagSubject & { projection: string },
): Promise<ProjectorLag> => {
  const stored = await readPartitionOffsets(db, subject.projection);
  const byPartition = new Map(stored.map((p) => [`${p.topic}:${p.partition}`, p]));
  return lagOf(admin, subject, 'postgres', (topic, partition) => byPartition.get(`${topic}:${partition}`));
};

/** Where a consumer group stands according to the offsets it committed to Kafka. */
export const committedGroupOffsets = async (
  admin: Admin,
  groupId: string,
  topics: readonly string[],
): Promise<Map<string, bigint>> => {
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  const positions = new Map<string, bigint>();
  for (const { topic, partitions } of committed) {
    for (const { partition, offset } of partitions) {
      // -1: the group never committed for this partition.
      if (Number(offset) >= 0) positions.set(`${topic}:${partition}`, BigInt(offset));
    }
  }
  return positions;
};

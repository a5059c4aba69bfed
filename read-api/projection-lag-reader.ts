import type { Redis } from 'ioredis';
import { logLevel } from 'kafkajs';
import type pg from 'pg';
import { reusedKafkaAdmin } from '../deploy/kafka-admin.ts';
import type { ProjectorLag } from '../projections/projector/projection-lag.ts';
import { projectionLag } from '../projections/read-models.ts';

export interface ProjectionLagReaderOptions {
  brokers: string[];
  pool: pg.Pool;
  redis: Redis;
  redisKeyPrefix: string;
  topicPrefix: string;
}

export interface KafkaLagReader {
  lag(): Promise<ProjectorLag[]>;
  close(): Promise<void>;
}

/**
 * Each projector's lag, over one reused Kafka admin client. Only a few quick retries (finding a
 * group's coordinator may need one): the dashboard asks again in a few seconds anyway.
 */
export const kafkaLagReader = ({ brokers, ...sources }: ProjectionLagReaderOptions): KafkaLagReader => {
  const admin = reusedKafkaAdmin({
    clientId: 'read-api-lag',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 2_000,
    retry: { retries: 3, initialRetryTime: 100 },
  });
  return {
    lag: () => admin.use((client) => projectionLag({ admin: client, ...sources })),
    close: admin.close,
  };
};

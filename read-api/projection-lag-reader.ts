import type { Redis } from 'ioredis';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import type pg from 'pg';
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
 * Each projector's lag, over one Kafka admin client connected on first use and dropped after a
 * failure so the next read reconnects. Only a few quick retries (finding a group's coordinator may
 * need one): the dashboard asks again in a few seconds anyway.
 */
export const kafkaLagReader = ({ brokers, ...sources }: ProjectionLagReaderOptions): KafkaLagReader => {
  const kafka = new Kafka({
    clientId: 'read-api-lag',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 2_000,
    retry: { retries: 3, initialRetryTime: 100 },
  });
  let admin: Promise<Admin> | undefined;
  const connected = () => {
    admin ??= (async () => {
      const client = kafka.admin();
      await client.connect();
      return client;
    })();
    return admin;
  };
  const drop = async () => {
    const current = admin;
    admin = undefined;
    await current?.then((client) => client.disconnect()).catch(() => undefined);
  };
  return {
    lag: async () => {
      try {
        return await projectionLag({ admin: await connected(), ...sources });
      } catch (error) {
        await drop();
        throw error;
      }
    },
    close: drop,
  };
};

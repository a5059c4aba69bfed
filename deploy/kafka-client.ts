import { Kafka, type LogEntry, logLevel } from 'kafkajs';
import { logger } from '../platform/logger.ts';

/** kafkajs logs every retry at INFO; keep warnings and errors, through the process's logger. */
export const logCreator =
  () =>
  ({ namespace, level, log }: LogEntry) => {
    if (level > logLevel.WARN) return;
    const { message, timestamp: _, logger: __, ...rest } = log;
    logger()[level === logLevel.ERROR ? 'error' : 'warn']({ kafka: namespace, ...rest }, message);
  };

export const createKafka = (brokers: string[], clientId: string): Kafka =>
  new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    logCreator,
    retry: { initialRetryTime: 100, retries: 8 },
  });

/**
 * An idempotent producer must retry without limit: a bounded retry count lets kafkajs give up on a
 * sequence number and breaks the no-duplicate, no-reorder guarantee the relay relies on.
 */
export const idempotentProducerConfig = {
  idempotent: true,
  maxInFlightRequests: 1,
  allowAutoTopicCreation: false,
  retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 5_000 },
} as const;

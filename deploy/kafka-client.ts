import { Kafka, type LogEntry, logLevel } from 'kafkajs';

/** kafkajs logs every retry at INFO; keep warnings and errors, as one JSON line each on stderr. */
const logCreator =
  () =>
  ({ namespace, level, log }: LogEntry) => {
    if (level > logLevel.WARN) return;
    const { message, ...rest } = log;
    process.stderr.write(`${JSON.stringify({ level: logLevel[level], namespace, message, ...rest })}\n`);
  };

export const createKafka = (brokers: string[], clientId: string): Kafka =>
  new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    logCreator,
    retry: { initialRetryTime: 100, retries: 8 },
  });

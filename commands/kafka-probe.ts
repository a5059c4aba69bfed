import { type Admin, Kafka, logLevel } from 'kafkajs';

export interface KafkaProbe {
  /** True when a broker answers a metadata request; never throws. */
  isKafkaUp(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Health probe over one kafkajs admin client, connected on first use and dropped after a failure
 * so the next probe reconnects. No retries: a health check must answer quickly, not eventually.
 */
export const kafkaProbe = (brokers: string[], clientId = 'command-api-health'): KafkaProbe => {
  const kafka = new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 1_500,
    retry: { retries: 0 },
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
    isKafkaUp: async () => {
      try {
        const cluster = await (await connected()).describeCluster();
        return cluster.brokers.length > 0;
      } catch {
        await drop();
        return false;
      }
    },
    close: drop,
  };
};

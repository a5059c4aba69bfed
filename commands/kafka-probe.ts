import { logLevel } from 'kafkajs';
import { reusedKafkaAdmin } from '../deploy/kafka-admin.ts';

export interface KafkaProbe {
  /** True when a broker answers a metadata request; never throws. */
  isKafkaUp(): Promise<boolean>;
  close(): Promise<void>;
}

/** Health probe over one reused admin client. No retries: a health check must answer quickly, not eventually. */
export const kafkaProbe = (brokers: string[], clientId = 'command-api-health'): KafkaProbe => {
  const admin = reusedKafkaAdmin({
    clientId,
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 1_500,
    retry: { retries: 0 },
  });
  return {
    isKafkaUp: async () => {
      try {
        const cluster = await admin.use((client) => client.describeCluster());
        return cluster.brokers.length > 0;
      } catch {
        return false;
      }
    },
    close: admin.close,
  };
};

import { type Admin, Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import { logCreator } from './kafka-client.ts';

export interface KafkaAdminOptions {
  clientId?: string;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  retries?: number;
  /** No kafkajs log lines at all (probes expect refused connections). */
  quiet?: boolean;
}

/** Connects an admin client, runs `work` with it and always disconnects. */
export const withKafkaAdmin = async <T>(
  brokers: string[],
  work: (admin: Admin) => Promise<T>,
  { clientId = 'order-backend-admin', connectionTimeoutMs, requestTimeoutMs, retries, quiet }: KafkaAdminOptions = {},
): Promise<T> => {
  const kafka = new Kafka({
    clientId,
    brokers,
    logLevel: quiet ? logLevel.NOTHING : logLevel.WARN,
    logCreator,
    ...(connectionTimeoutMs === undefined ? {} : { connectionTimeout: connectionTimeoutMs }),
    ...(requestTimeoutMs === undefined ? {} : { requestTimeout: requestTimeoutMs }),
    ...(retries === undefined ? {} : { retry: { retries } }),
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
};

/** True when a broker answers a metadata request: the readiness test of the local stack. */
export const kafkaAnswers = async (brokers: string[], timeoutMs = 2_000): Promise<boolean> => {
  try {
    await withKafkaAdmin(brokers, (admin) => admin.describeCluster(), {
      clientId: 'order-backend-probe',
      connectionTimeoutMs: timeoutMs,
      requestTimeoutMs: timeoutMs,
      retries: 0,
      quiet: true,
    });
    return true;
  } catch {
    return false;
  }
};

export interface ReusedKafkaAdmin {
  /** Runs `work` on the client; a failure drops the client, so the next call connects afresh. */
  use<T>(work: (admin: Admin) => Promise<T>): Promise<T>;
  /** Disconnects the client, if one is connected; never throws. */
  close(): Promise<void>;
}

/**
 * One admin client for repeated probes (health, lag), connected on first use instead of per call.
 * Dropping it after any failure means a broker that went away and came back is found again.
 */
export const reusedKafkaAdmin = (config: KafkaConfig): ReusedKafkaAdmin => {
  const kafka = new Kafka(config);
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
    use: async (work) => {
      try {
        return await work(await connected());
      } catch (error) {
        await drop();
        throw error;
      }
    },
    close: drop,
  };
};

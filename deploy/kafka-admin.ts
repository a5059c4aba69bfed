import { type Admin, Kafka, logLevel } from 'kafkajs';

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

import type { Consumer, IHeaders } from 'kafkajs';
import { loadConfig } from '../../deploy/config.ts';
import { createKafka } from '../../deploy/kafka-client.ts';
import { uniqueName } from './names.ts';

export interface CollectedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | undefined;
  value: Buffer | null;
  headers: Record<string, string>;
}

const flattenHeaders = (headers: IHeaders | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers ?? {}).flatMap(([name, value]) => {
      const first = Array.isArray(value) ? value[0] : value;
      return first === undefined ? [] : [[name, first.toString()]];
    }),
  );

/** Reads topics from the beginning with a group of its own and keeps every record it sees, in arrival order. */
export const collectRecords = async (
  topics: string[],
): Promise<{ records: CollectedRecord[]; stop(): Promise<void> }> => {
  const { kafkaBrokers } = loadConfig();
  const consumer: Consumer = createKafka(kafkaBrokers, 'test-collector').consumer({
    groupId: uniqueName('collector'),
    maxWaitTimeInMs: 100,
  });
  const records: CollectedRecord[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      records.push({
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString(),
        value: message.value,
        headers: flattenHeaders(message.headers),
      });
    },
  });
  return { records, stop: () => consumer.disconnect() };
};

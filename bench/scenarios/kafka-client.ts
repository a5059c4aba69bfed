import { randomUUID } from 'node:crypto';
import { Consumer as PlatformaticConsumer, Producer as PlatformaticProducer, ProduceAcks } from '@platformatic/kafka';
import { Partitioners } from 'kafkajs';
import type { RecordedEvent } from '../../commands/event-store/event-store.ts';
import { createKafka, idempotentProducerConfig } from '../../deploy/kafka-client.ts';
import { ensureTopics, eventTopicConfig } from '../../deploy/topics.ts';
import { toKafkaMessage } from '../../schemas/kafka-envelope.ts';
import { uniqueName } from '../../test/support/names.ts';
import { deleteTopicsWithPrefix } from '../../test/support/topics.ts';
import { type Arm, compare, measureInterleaved } from '../support/interleave.ts';
import { kafkaRecordBytes } from '../support/kafka-records.ts';
import { flowEvent, orderFlow } from '../support/order-flow.ts';
import type { Scenario, ScenarioOptions } from '../support/scenario.ts';
import { now, perSecond } from '../support/timing.ts';

const units = {
  'produce records/s': 'records/s',
  'consume records/s': 'records/s',
  'consume steady records/s': 'records/s',
};
const sendBatchSize = 1_000;

/** The relay's records: Avro values with the envelope's headers, keyed by stream id, over many orders. */
const relayRecords = (orders: number) => {
  const flow = orderFlow();
  let position = 1n << 32n;
  return Array.from({ length: orders }, () => randomUUID()).flatMap((orderId) =>
    flow.map((step, version) => {
      const event = flowEvent(step, orderId);
      const recorded: RecordedEvent = {
        id: event.id,
        streamId: `${step.aggregate}-${orderId}`,
        version,
        position: position++,
        type: event.type,
        data: event.data,
        metadata: event.metadata ?? {},
        recordedAt: new Date(),
      };
      const message = toKafkaMessage(recorded);
      const headers = Object.entries(message.headers ?? {}).map(
        ([name, value]) => [name, Buffer.from(String(value))] as const,
      );
      return {
        key: Buffer.from(String(message.key)),
        value: message.value as Buffer,
        headers,
        bytes: kafkaRecordBytes(message),
      };
    }),
  );
};

type BenchRecord = ReturnType<typeof relayRecords>[number];

interface ClientRun {
  produceMs: number;
  consumeMs: number;
  firstToLastMs: number;
}

const kafkajsRun = async (brokers: string[], topic: string, records: readonly BenchRecord[]): Promise<ClientRun> => {
  const kafka = createKafka(brokers, 'bench-kafkajs');
  const messages = records.map((r) => ({ key: r.key, value: r.value, headers: Object.fromEntries(r.headers) }));
  const producer = kafka.producer({ ...idempotentProducerConfig, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const produceStarted = now();
  try {
    for (let at = 0; at < messages.length; at += sendBatchSize) {
      await producer.send({ topic, messages: messages.slice(at, at + sendBatchSize), acks: -1 });
    }
  } finally {
    await producer.disconnect();
  }
  const produceMs = now() - produceStarted;

  const consumer = kafka.consumer({ groupId: uniqueName('bench-kafkajs') });
  const consumeStarted = now();
  let first = 0;
  let count = 0;
  const done = new Promise<number>((resolve) => {
    void consumer.connect().then(async () => {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        eachBatch: async ({ batch }) => {
          if (count === 0) first = now();
          count += batch.messages.length;
          if (count >= records.length) resolve(now());
        },
      });
    });
  });
  const finished = await done;
  await consumer.disconnect();
  return { produceMs, consumeMs: finished - consumeStarted, firstToLastMs: finished - first };
};

const platformaticRun = async (
  brokers: string[],
  topic: string,
  records: readonly BenchRecord[],
): Promise<ClientRun> => {
  const messages = records.map((r) => ({
    topic,
    key: r.key,
    value: r.value,
    headers: new Map(r.headers.map(([n, v]) => [Buffer.from(n), v])),
  }));
  const producer = new PlatformaticProducer({
    clientId: 'bench-platformatic',
    bootstrapBrokers: brokers,
    idempotent: true,
    acks: ProduceAcks.ALL,
    autocreateTopics: false,
  });
  const produceStarted = now();
  try {
    for (let at = 0; at < messages.length; at += sendBatchSize) {
      await producer.send({ messages: messages.slice(at, at + sendBatchSize), acks: ProduceAcks.ALL });
    }
  } finally {
    await producer.close();
  }
  const produceMs = now() - produceStarted;

  const consumer = new PlatformaticConsumer({
    groupId: uniqueName('bench-platformatic'),
    clientId: 'bench-platformatic',
    bootstrapBrokers: brokers,
  });
  const consumeStarted = now();
  let first = 0;
  let count = 0;
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest' });
  const finished = await new Promise<number>((resolve, reject) => {
    stream.on('error', reject);
    stream.on('data', () => {
      if (count === 0) first = now();
      count += 1;
      if (count === records.length) resolve(now());
    });
  });
  await stream.close();
  await consumer.close();
  return { produceMs, consumeMs: finished - consumeStarted, firstToLastMs: finished - first };
};

const clientArm = (
  name: string,
  role: Arm['role'],
  run: typeof kafkajsRun,
  { brokers, prefix, records }: { brokers: string[]; prefix: string; records: readonly BenchRecord[] },
): Arm => ({
  name,
  role,
  measure: async (index) => {
    const topic = `${prefix}${name.replace(/[^a-z]/gi, '')}-${index}`;
    await ensureTopics(brokers, [{ name: topic, config: { ...eventTopicConfig } }]);
    const result = await run(brokers, topic, records);
    return {
      'produce records/s': perSecond(records.length, result.produceMs),
      'consume records/s': perSecond(records.length, result.consumeMs),
      'consume steady records/s': perSecond(records.length, result.firstToLastMs),
    };
  },
});

const runScenario = async (options: ScenarioOptions) => {
  const orders = options.quick ? 2_000 : 22_223;
  const records = relayRecords(orders);
  const averageBytes = Math.round(records.reduce((sum, r) => sum + r.bytes, 0) / records.length);
  const prefix = `${uniqueName('bench_kafka')}.`;
  options.log(`  ${records.length} records of ${averageBytes} bytes on average; topics ${prefix}*`);
  try {
    const shared = { brokers: options.kafkaBrokers, prefix, records };
    const arms = [
      clientArm('kafkajs', 'ours', kafkajsRun, shared),
      clientArm('@platformatic/kafka', 'peer', platformaticRun, shared),
    ];
    const caseName = `${records.length} records`;
    const figures = await measureInterleaved({ case: caseName, arms, runs: options.runs, units, log: options.log });
    const against = (metric: string) =>
      compare(figures, { case: caseName, metric, ours: 'kafkajs', against: '@platformatic/kafka' });
    return {
      inputs: {
        records: records.length,
        averageRecordBytes: averageBytes,
        recordShape: "the relay's records: key = stream id, Avro value, 8-11 headers (one settled order's events)",
        partitions: 4,
        sendBatchSize,
        produce:
          'one send of 1,000 records at a time, awaited; idempotent producer, acks=all (kafkajs as the relay configures it)',
        consume:
          'a fresh group from the earliest offset; kafkajs eachBatch, @platformatic/kafka stream data events; client defaults otherwise',
      },
      figures,
      comparisons: [against('produce records/s'), against('consume records/s'), against('consume steady records/s')],
      notes: [
        '"consume records/s" runs from creating the consumer (connect, group join, first fetch) to the last record; "consume steady" from the first record to the last.',
        'Each run writes to a topic of its own, so every consumer reads exactly the records of one produce run.',
      ],
    };
  } finally {
    await deleteTopicsWithPrefix(prefix).catch((error: unknown) =>
      options.log(`  topic cleanup failed: ${String(error)}`),
    );
  }
};

export const kafkaClientScenario: Scenario = {
  name: 'kafka-client',
  description:
    "kafkajs (what the relay and the consumers use) against @platformatic/kafka: records per second to produce the relay's records (acks=all, idempotent, batches of 1,000) and to read them back from the beginning with a fresh group, on the same broker.",
  run: runScenario,
};

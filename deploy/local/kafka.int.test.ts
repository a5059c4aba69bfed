import { type IHeaders, Kafka, logLevel, Partitioners } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { uniqueName } from '../../test/support/names.ts';
import { waitFor } from '../../test/support/wait.ts';
import { loadConfig } from '../config.ts';
import { withKafkaAdmin } from '../kafka-admin.ts';
import { ensureEventTopics, ensureTopics, eventTopicNames } from '../topics.ts';

const { kafkaBrokers } = loadConfig();
const kafka = new Kafka({ clientId: 'kafka-int-test', brokers: kafkaBrokers, logLevel: logLevel.WARN });
const topicsToDelete: string[] = [];

const localKafka = suite('local kafka');

localKafka.after(async () => {
  if (topicsToDelete.length > 0)
    await withKafkaAdmin(kafkaBrokers, (admin) => admin.deleteTopics({ topics: topicsToDelete }));
});

const headerText = (headers: IHeaders | undefined, name: string) => headers?.[name]?.toString();

localKafka('ensureTopics creates a topic once, with the partitions and settings asked for', async () => {
  const name = uniqueName('stack-topic');
  topicsToDelete.push(name);
  const spec = { name, partitions: 3, config: { 'retention.ms': '-1' } };
  assert.equal(await ensureTopics(kafkaBrokers, [spec]), { created: [name], existing: [] });
  assert.equal(await ensureTopics(kafkaBrokers, [spec]), { created: [], existing: [name] });
  await withKafkaAdmin(kafkaBrokers, async (admin) => {
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [name] })).topics;
    assert.is(metadata?.partitions.length, 3);
    assert.ok(metadata?.partitions.every((partition) => partition.leader >= 0));
    const described = await admin.describeConfigs({
      resources: [{ type: 2, name, configNames: ['retention.ms'] }],
      includeSynonyms: false,
    });
    assert.is(described.resources[0]?.configEntries[0]?.configValue, '-1');
  });
});

localKafka('ensureEventTopics creates the five event topics with unlimited retention and 4 partitions', async () => {
  const prefix = `${uniqueName('stack')}.`;
  const names = eventTopicNames.map((name) => `${prefix}${name}`);
  topicsToDelete.push(...names);
  const ensured = await ensureEventTopics(kafkaBrokers, prefix);
  assert.equal(ensured.created.sort(), [...names].sort());
  await withKafkaAdmin(kafkaBrokers, async (admin) => {
    const { topics } = await admin.fetchTopicMetadata({ topics: names });
    assert.equal(
      topics.map((topic) => topic.partitions.length),
      names.map(() => 4),
    );
    const described = await admin.describeConfigs({
      resources: names.map((name) => ({ type: 2, name, configNames: ['retention.ms', 'retention.bytes'] })),
      includeSynonyms: false,
    });
    for (const resource of described.resources) {
      const values = Object.fromEntries(resource.configEntries.map((entry) => [entry.configName, entry.configValue]));
      assert.equal(values, { 'retention.ms': '-1', 'retention.bytes': '-1' }, resource.resourceName);
    }
  });
});

localKafka('the broker does not create topics on its own', async () => {
  const name = uniqueName('never-created');
  // Quiet: the refusals this test provokes are the expected outcome.
  const quiet = new Kafka({ clientId: 'kafka-int-test', brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
  const producer = quiet.producer({ createPartitioner: Partitioners.DefaultPartitioner, retry: { retries: 1 } });
  await producer.connect();
  try {
    await producer.send({ topic: name, messages: [{ value: 'x' }], acks: -1, timeout: 2_000 });
    assert.unreachable('the send should fail: auto.create.topics.enable=false');
  } catch (error) {
    assert.not.instance(error, assert.Assertion);
  } finally {
    await producer.disconnect();
  }
  const topics = await withKafkaAdmin(kafkaBrokers, (admin) => admin.listTopics());
  assert.not.ok(topics.includes(name));
});

localKafka('records produced idempotently with acks=all come back in order with keys, values and headers', async () => {
  const topic = uniqueName('stack-roundtrip');
  topicsToDelete.push(topic);
  await ensureTopics(kafkaBrokers, [{ name: topic, partitions: 2 }]);
  const sent = Array.from({ length: 20 }, (_, i) => ({
    key: `order-${i % 3}`,
    value: JSON.stringify({ sequence: i }),
    headers: { 'event-type': `Test${i}`, 'stream-version': String(i) },
  }));

  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    // One partition for every record, so the order of the whole batch is the order to check.
    await producer.send({ topic, acks: -1, messages: sent.map((message) => ({ ...message, partition: 1 })) });
  } finally {
    await producer.disconnect();
  }

  const consumer = kafka.consumer({ groupId: uniqueName('stack-group'), maxWaitTimeInMs: 100 });
  const received: { partition: number; key?: string; value?: string; type?: string; version?: string }[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        received.push({
          partition,
          key: message.key?.toString(),
          value: message.value?.toString(),
          type: headerText(message.headers, 'event-type'),
          version: headerText(message.headers, 'stream-version'),
        });
      },
    });
    await waitFor(() => received.length >= sent.length, { timeoutMs: 30_000, what: 'all records consumed' });
  } finally {
    await consumer.disconnect();
  }

  assert.equal(
    received,
    sent.map((message) => ({
      partition: 1,
      key: message.key,
      value: message.value,
      type: message.headers['event-type'],
      version: message.headers['stream-version'],
    })),
  );
});

localKafka.run();

import { randomUUID } from 'node:crypto';
import { Partitioners, type Producer } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RecordedEvent } from '../../commands/event-store/event-store.ts';
import { loadConfig } from '../../deploy/config.ts';
import { createKafka } from '../../deploy/kafka-client.ts';
import { ensureTopics } from '../../deploy/topics.ts';
import { fromKafkaMessage, toKafkaMessage } from '../../schemas/kafka-envelope.ts';
import { collectRecords } from '../../test/support/kafka.ts';
import { uniqueName } from '../../test/support/names.ts';
import { startTcpProxy } from '../../test/support/tcp-proxy.ts';
import { deleteTopicsWithPrefix } from '../../test/support/topics.ts';
import { waitFor } from '../../test/support/wait.ts';
import { deadLetterTopic } from './dead-letter.ts';
import { GroupConsumer } from './group-consumer.ts';

const test = suite<{ prefix: string; topic: string; producer: Producer }>('platform Kafka consumer');
const { kafkaBrokers } = loadConfig();

const restocked = (sku: string, version: number): RecordedEvent => ({
  id: randomUUID(),
  streamId: `inventory-${sku}`,
  version,
  position: BigInt(version + 1),
  type: 'StockRestocked',
  data: { sku, quantity: 1, onHand: version + 1, available: version + 1 },
  metadata: { correlationId: sku },
  recordedAt: new Date(),
});

test.before.each(async (context) => {
  context.prefix = `${uniqueName('groupconsumer')}.`;
  context.topic = `${context.prefix}inventory-events`;
  await ensureTopics(kafkaBrokers, [{ name: context.topic, partitions: 1 }]);
  context.producer = createKafka(kafkaBrokers, 'group-consumer-test').producer({
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await context.producer.connect();
});

test.after.each(async ({ prefix, producer }) => {
  await producer.disconnect();
  await deleteTopicsWithPrefix(prefix);
});

test('per record: a record failing for an unknown reason is dead-lettered after the bounded attempts; its key goes on', async ({
  prefix,
  topic,
  producer,
}) => {
  const groupId = uniqueName('group');
  const events = [0, 1, 2].map((version) => restocked('stubborn', version));
  const broken = events[1]!;
  let brokenAttempts = 0;
  const handled: number[] = [];
  const consumer = new GroupConsumer({
    brokers: kafkaBrokers,
    groupId,
    topics: [topic],
    deadLetterTopic: deadLetterTopic(groupId, prefix),
    maxAttempts: 3,
    maxRetryDelayMs: 50,
    log: () => undefined,
    mode: {
      record: async (envelope) => {
        if (envelope.eventId === broken.id) {
          brokenAttempts += 1;
          throw new TypeError("Cannot read properties of undefined (reading 'sku')");
        }
        handled.push(envelope.streamVersion);
      },
    },
  });
  await producer.send({ topic, messages: events.map(toKafkaMessage) });
  await consumer.start();
  const dead = await collectRecords([consumer.deadLetterTopic]);
  try {
    await waitFor(() => handled.length === 2 && dead.records.length === 1, { what: 'two handled, one dead letter' });
    assert.equal(handled, [0, 2], 'the record behind it on the same key is handled once it is set aside');
    assert.is(brokenAttempts, 3, 'tried exactly maxAttempts times');
    const letter = dead.records[0]!;
    assert.match(letter.headers['dlq-reason'] ?? '', /failed 3 times: TypeError/);
    assert.is(letter.headers['dlq-origin-topic'], topic);
    assert.is(letter.headers['dlq-origin-offset'], '1');
    assert.is(letter.headers['dlq-group'], groupId);
  } finally {
    await consumer.stop();
    await dead.stop();
  }
});

test('per batch: a batch that keeps failing is applied record by record; only the failing record is dead-lettered', async ({
  prefix,
  topic,
  producer,
}) => {
  const groupId = uniqueName('group');
  const events = [0, 1, 2, 3].map((version) => restocked('batchy', version));
  const broken = events[2]!;
  const applied: number[] = [];
  const attempts: { size: number; isolate: boolean }[] = [];
  const consumer = new GroupConsumer({
    brokers: kafkaBrokers,
    groupId,
    topics: [topic],
    deadLetterTopic: deadLetterTopic(groupId, prefix),
    maxAttempts: 2,
    maxRetryDelayMs: 50,
    log: () => undefined,
    mode: {
      batch: async (batch, context) => {
        attempts.push({ size: batch.messages.length, isolate: context.isolate });
        const envelopes = batch.messages.map((message) => ({ message, envelope: fromKafkaMessage(message) }));
        if (!context.isolate) {
          // All or nothing, as one transaction would be.
          if (envelopes.some(({ envelope }) => envelope.eventId === broken.id)) throw new RangeError('no such row');
          applied.push(...envelopes.map(({ envelope }) => envelope.streamVersion));
          return { kind: 'applied' };
        }
        for (const { message, envelope } of envelopes) {
          if (envelope.eventId === broken.id) await context.deadLetter(message, 'RangeError: no such row');
          else applied.push(envelope.streamVersion);
        }
        return { kind: 'applied' };
      },
    },
  });
  await producer.send({ topic, messages: events.map(toKafkaMessage) });
  await consumer.start();
  const dead = await collectRecords([consumer.deadLetterTopic]);
  try {
    await waitFor(() => dead.records.length === 1 && applied.length === 3, { what: 'three applied, one dead letter' });
    assert.equal(applied, [0, 1, 3]);
    assert.is(dead.records[0]!.headers['dlq-origin-offset'], '2');
    const whole = attempts.filter((attempt) => attempt.size === 4);
    assert.equal(
      whole.map((attempt) => attempt.isolate),
      [false, false, true],
      'two whole attempts, then record by record',
    );
  } finally {
    await consumer.stop();
    await dead.stop();
  }
});

test('waits for the broker at start: a consumer started while Kafka cannot be reached consumes once it can', async ({
  prefix,
  topic,
  producer,
}) => {
  const [host, port] = kafkaBrokers[0]!.split(':') as [string, string];
  const proxy = await startTcpProxy(host, Number(port));
  proxy.cut();
  const groupId = uniqueName('group');
  const handled: string[] = [];
  const failedTries: unknown[] = [];
  const consumer = new GroupConsumer({
    brokers: [`127.0.0.1:${proxy.port}`],
    groupId,
    topics: [topic],
    deadLetterTopic: deadLetterTopic(groupId, prefix),
    log: (line) => {
      if (String(line.msg).includes('failed, retrying')) failedTries.push(line);
    },
    mode: {
      record: async (envelope) => {
        handled.push(envelope.eventId);
      },
    },
  });
  const event = restocked('late-broker', 0);
  await producer.send({ topic, messages: [toKafkaMessage(event)] });
  const starting = consumer.start();
  try {
    await waitFor(() => failedTries.length > 0, { what: 'a failed attempt to reach the broker' });
    proxy.restore();
    await starting;
    await waitFor(() => handled.includes(event.id), { what: 'the record, once the broker is reachable' });
  } finally {
    proxy.restore();
    await starting.catch(() => undefined);
    await consumer.stop();
    await proxy.close();
  }
});

test.run();

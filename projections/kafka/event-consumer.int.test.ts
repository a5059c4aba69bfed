import { randomUUID } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RecordedEvent } from '../../commands/event-store/event-store.ts';
import { loadConfig } from '../../deploy/config.ts';
import { createKafka } from '../../deploy/kafka-client.ts';
import { ensureTopics } from '../../deploy/topics.ts';
import { ruleBroken } from '../../domain/errors.ts';
import { type EventEnvelope, toKafkaMessage } from '../../schemas/kafka-envelope.ts';
import { collectRecords } from '../../test/support/kafka.ts';
import { uniqueName } from '../../test/support/names.ts';
import { deleteTopicsWithPrefix } from '../../test/support/topics.ts';
import { waitFor } from '../../test/support/wait.ts';
import { EventConsumer } from './event-consumer.ts';

const consumerSuite = suite('event consumer');

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

consumerSuite(
  'poison records go to the dead-letter topic with reason and origin; the rest is handled in key order',
  async () => {
    const prefix = `${uniqueName('consumer')}.`;
    const { kafkaBrokers } = loadConfig();
    const topic = `${prefix}inventory-events`;
    await ensureTopics(kafkaBrokers, [{ name: topic, partitions: 2 }]);
    const producer = createKafka(kafkaBrokers, 'consumer-test').producer({
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();

    const handled: EventEnvelope[] = [];
    const transientOnce = restocked('flaky', 0);
    const refused = restocked('refused', 0);
    let flakyAttempts = 0;
    const groupId = uniqueName('group');
    const consumer = new EventConsumer({
      brokers: kafkaBrokers,
      groupId,
      topicPrefix: prefix,
      topics: [topic],
      maxRetryDelayMs: 100,
      log: () => undefined,
      handle: async (envelope) => {
        if (envelope.eventId === transientOnce.id && ++flakyAttempts < 3) throw new Error('database briefly away');
        if (envelope.eventId === refused.id) throw ruleBroken('some_rule', 'refused for good');
        handled.push(envelope);
      },
    });
    try {
      const good = Array.from({ length: 6 }, (_, version) => restocked('steady', version));
      const badBytes = { ...toKafkaMessage(restocked('bytes', 0)), value: Buffer.from([0xff, 0xff, 0xff]) };
      const unknownType = { ...toKafkaMessage(restocked('unknown', 0)) };
      unknownType.headers = { ...unknownType.headers, 'event-type': 'NoSuchEvent' };
      await producer.send({
        topic,
        messages: [
          toKafkaMessage(good[0]!),
          badBytes,
          toKafkaMessage(good[1]!),
          unknownType,
          toKafkaMessage(transientOnce),
          toKafkaMessage(refused),
          ...good.slice(2).map(toKafkaMessage),
        ],
      });
      await consumer.start();
      const dead = await collectRecords([consumer.deadLetterTopic]);
      try {
        await waitFor(() => handled.length === 7 && dead.records.length === 3, {
          what: '7 handled and 3 dead letters',
        });
        const steady = handled.filter((e) => e.streamId === 'inventory-steady').map((e) => e.streamVersion);
        assert.equal(steady, [0, 1, 2, 3, 4, 5], 'one key is handled in order');
        assert.is(flakyAttempts, 3, 'a transient failure is retried in place until it succeeds');
        const reasons = dead.records.map((r) => r.headers['dlq-reason'] ?? '');
        assert.ok(
          reasons.some((r) => r.startsWith('SchemaDecodeError')),
          reasons.join(' | '),
        );
        assert.ok(
          reasons.some((r) => r.startsWith('UnknownSchemaError')),
          reasons.join(' | '),
        );
        assert.ok(
          reasons.some((r) => r.includes('refused for good')),
          reasons.join(' | '),
        );
        for (const record of dead.records) {
          assert.is(record.headers['dlq-origin-topic'], topic);
          assert.ok(/^\d+$/.test(record.headers['dlq-origin-offset'] ?? ''));
          assert.is(record.headers['dlq-group'], groupId);
        }
        const bad = dead.records.find((r) => r.headers['dlq-reason']?.startsWith('SchemaDecodeError'));
        assert.equal([...(bad?.value ?? [])], [0xff, 0xff, 0xff], 'the original bytes are kept for replay');
      } finally {
        await dead.stop();
      }
    } finally {
      await consumer.stop();
      await producer.disconnect();
      await deleteTopicsWithPrefix(prefix);
    }
  },
);

consumerSuite(
  'offsets are committed: a restarted consumer of the same group resumes after what it handled',
  async () => {
    const prefix = `${uniqueName('consumer')}.`;
    const { kafkaBrokers } = loadConfig();
    const topic = `${prefix}inventory-events`;
    await ensureTopics(kafkaBrokers, [{ name: topic, partitions: 1 }]);
    const producer = createKafka(kafkaBrokers, 'consumer-test').producer({
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    const groupId = uniqueName('group');
    const handled: string[] = [];
    const consumerOf = () =>
      new EventConsumer({
        brokers: kafkaBrokers,
        groupId,
        topicPrefix: prefix,
        topics: [topic],
        log: () => undefined,
        handle: async (envelope) => {
          handled.push(envelope.eventId);
        },
      });
    const first = consumerOf();
    let second: EventConsumer | undefined;
    try {
      const before = [restocked('resume', 0), restocked('resume', 1)];
      await producer.send({ topic, messages: before.map(toKafkaMessage) });
      await first.start();
      await waitFor(() => handled.length === 2, { what: 'the first two records' });
      await first.stop();

      const after = restocked('resume', 2);
      await producer.send({ topic, messages: [toKafkaMessage(after)] });
      second = consumerOf();
      await second.start();
      await waitFor(() => handled.includes(after.id), { what: 'the record produced while stopped' });
      assert.equal(handled, [...before.map((e) => e.id), after.id], 'nothing handled twice');
    } finally {
      await second?.stop();
      await producer.disconnect();
      await deleteTopicsWithPrefix(prefix);
    }
  },
);

consumerSuite.run();

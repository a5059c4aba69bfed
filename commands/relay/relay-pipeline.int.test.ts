import { randomUUID } from 'node:crypto';
import { Partitioners, type Producer } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../deploy/config.ts';
import { createKafka, idempotentProducerConfig } from '../../deploy/kafka-client.ts';
import { migrate } from '../../deploy/migrate.ts';
import { ensureEventTopics } from '../../deploy/topics.ts';
import { topicFor } from '../../schemas/event-catalog.ts';
import { collectRecords } from '../../test/support/kafka.ts';
import { uniqueName } from '../../test/support/names.ts';
import { createTestSchema } from '../../test/support/postgres.ts';
import { deleteTopicsWithPrefix } from '../../test/support/topics.ts';
import { waitFor } from '../../test/support/wait.ts';
import { PostgresEventStore } from '../event-store/postgres/postgres-event-store.ts';
import { Relay } from './relay.ts';
import { RelayCheckpoint } from './relay-checkpoint.ts';
import { RelayLeadership } from './relay-leadership.ts';

const test = suite('relay pipeline');

const restocked = (sku: string, n: number) => ({
  id: randomUUID(),
  type: 'StockRestocked',
  data: { sku, quantity: 1, onHand: n + 1, available: n + 1 },
  metadata: { correlationId: sku },
});

/**
 * The real producer, except that one send (the `failAt`-th) fails after Kafka took it: the relay cannot
 * know it arrived. Everything the relay read after it (read ahead while it was in flight) must be sent again.
 */
const producerFailingOnce = (producer: Producer, failAt: number, acknowledged: bigint[], sent: { count: number }) =>
  new Proxy(producer, {
    get(target, property, receiver) {
      if (property !== 'sendBatch') return Reflect.get(target, property, receiver);
      return async (batch: Parameters<Producer['sendBatch']>[0]) => {
        sent.count += 1;
        const result = await target.sendBatch(batch);
        if (sent.count === failAt) throw new Error('acknowledgement lost');
        const positions = batch.topicMessages!.flatMap((topic) =>
          topic.messages.map((message) => BigInt(String(message.headers!['global-position']))),
        );
        acknowledged.push(positions.reduce((a, b) => (a > b ? a : b)));
        return result;
      };
    },
  });

test('a send that fails: the checkpoint never passes what Kafka acknowledged, and nothing is skipped or reordered', async () => {
  const { kafkaBrokers } = loadConfig();
  const db = await createTestSchema('relay_pipe');
  const prefix = `${uniqueName('relaypipe')}.`;
  await migrate(db.pool);
  await ensureEventTopics(kafkaBrokers, prefix);
  const store = new PostgresEventStore(db.pool);
  const producer = createKafka(kafkaBrokers, 'relay-pipeline-test').producer({
    ...idempotentProducerConfig,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const collector = await collectRecords([topicFor('StockRestocked', prefix)]);
  const checkpoint = new RelayCheckpoint(db.pool, 'relay');
  const savedPositions: bigint[] = [];
  const acknowledged: bigint[] = [];
  const sent = { count: 0 };
  const recordingCheckpoint = Object.assign(Object.create(checkpoint), {
    save: async (position: bigint) => {
      savedPositions.push(position);
      await checkpoint.save(position);
    },
  }) as RelayCheckpoint;
  const stop = new AbortController();
  let running: Promise<void> | undefined;
  try {
    const skus = ['a', 'b', 'c', 'd', 'e'];
    const appended = new Map<string, string[]>(skus.map((sku) => [sku, []]));
    for (let round = 0; round < 30; round++) {
      for (const sku of skus) {
        const event = restocked(sku, round);
        await store.appendToStream(`inventory-${sku}`, [event], round === 0 ? 'no_stream' : round - 1);
        appended.get(sku)!.push(event.id);
      }
    }
    const relay = new Relay({
      store,
      producer: producerFailingOnce(producer, 3, acknowledged, sent),
      checkpoint: recordingCheckpoint,
      leadership: new RelayLeadership(db.pool, uniqueName('relay')),
      topicPrefix: prefix,
      batchSize: 10,
      checkpointEveryMs: 0,
      maxRetryDelayMs: 50,
      log: () => undefined,
    });
    running = relay.run(stop.signal);
    const last = (await store.readAll({ after: -1n, limit: 1_000 })).at(-1)!.position;
    await waitFor(async () => (await checkpoint.load()) === last, { what: 'the checkpoint at the last event' });
    assert.ok(sent.count > 15, `several batches, one of them sent again (${sent.count} sends)`);
    for (const position of savedPositions) {
      assert.ok(
        acknowledged.some((ack) => ack >= position),
        `checkpoint ${position} saved only once Kafka acknowledged it`,
      );
    }
    await waitFor(() => new Set(collector.records.map((r) => r.headers['event-id'])).size === 150, {
      what: 'all 150 events in Kafka',
    });
    for (const sku of skus) {
      const firstSeen: string[] = [];
      for (const record of collector.records.filter((r) => r.key === `inventory-${sku}`)) {
        const id = record.headers['event-id']!;
        if (!firstSeen.includes(id)) firstSeen.push(id);
      }
      assert.equal(firstSeen, appended.get(sku), `inventory-${sku}: every event, in stream order`);
    }
  } finally {
    stop.abort();
    await running;
    await collector.stop();
    await producer.disconnect();
    await store.close();
    await deleteTopicsWithPrefix(prefix);
    await db.drop();
  }
});

test.run();

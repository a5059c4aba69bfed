import { Redis } from 'ioredis';
import type { Producer } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RecordedEvent } from '../../commands/event-store/event-store.ts';
import { loadConfig } from '../../deploy/config.ts';
import { withKafkaAdmin } from '../../deploy/kafka-admin.ts';
import { createKafka } from '../../deploy/kafka-client.ts';
import { ensureTopics } from '../../deploy/topics.ts';
import { toKafkaMessage } from '../../schemas/kafka-envelope.ts';
import { collectRecords } from '../../test/support/kafka.ts';
import { uniqueName } from '../../test/support/names.ts';
import { deleteTopicsWithPrefix } from '../../test/support/topics.ts';
import { waitFor } from '../../test/support/wait.ts';
import { connectedProducer, produceEvents, recordedEvent } from '../projector/testing/recorded-events.ts';
import { readCachedOrderStatus, readDashboardCounters } from './dashboard-counters.ts';
import { dashboardProjectorLag } from './dashboard-lag.ts';
import { DashboardProjector } from './dashboard-projector.ts';

const { kafkaBrokers, redisUrl } = loadConfig();

interface Context {
  topicPrefix: string;
  keyPrefix: string;
  redis: Redis;
  subscriber: Redis;
  changes: string[];
  producer: Producer;
  running: DashboardProjector[];
}

const test = suite<Context>('dashboard projector');

test.before.each(async (context) => {
  context.topicPrefix = `${uniqueName('dashboard')}.`;
  context.keyPrefix = `${uniqueName('dash')}:`;
  context.redis = new Redis(redisUrl);
  context.subscriber = new Redis(redisUrl);
  context.changes = [];
  await context.subscriber.subscribe(`${context.keyPrefix}changes`);
  context.subscriber.on('message', (_channel, message) => context.changes.push(message));
  await ensureTopics(
    kafkaBrokers,
    ['order-events', 'inventory-events', 'saga-events'].map((topic) => ({
      name: `${context.topicPrefix}${topic}`,
      partitions: 2,
    })),
  );
  context.producer = await connectedProducer(createKafka(kafkaBrokers, 'dashboard-test'));
  context.running = [];
});

test.after.each(async (context) => {
  for (const projector of context.running) await projector.stop();
  await context.producer.disconnect();
  const keys = await context.redis.keys(`${context.keyPrefix}*`);
  if (keys.length > 0) await context.redis.del(...keys);
  context.subscriber.disconnect();
  context.redis.disconnect();
  await deleteTopicsWithPrefix(context.topicPrefix);
});

const startProjector = async (context: Context, groupId = uniqueName('dashboard')): Promise<DashboardProjector> => {
  const projector = new DashboardProjector({
    redis: context.redis,
    keyPrefix: context.keyPrefix,
    brokers: kafkaBrokers,
    topicPrefix: context.topicPrefix,
    groupId,
    maxRetryDelayMs: 100,
    log: () => undefined,
  });
  context.running.push(projector);
  await projector.start();
  return projector;
};

const placedAt = '2024-05-01T10:00:30.000Z';
const now = new Date('2024-05-01T10:05:00.000Z');

const orderEvents = (): RecordedEvent[] => {
  const placed = (orderId: string) =>
    recordedEvent(`order-${orderId}`, 0, 'OrderPlaced', {
      orderId,
      customerId: 'c1',
      lines: [{ sku: 'sku-a', quantity: 2, unitPrice: 100 }],
      total: 200,
      currency: 'EUR',
      payment: [{ method: 'card', amount: 200, token: 'tok_ok' }],
      placedAt,
    });
  return [
    placed('o1'),
    placed('o2'),
    placed('o3'),
    recordedEvent('order-o1', 1, 'OrderConfirmed', { orderId: 'o1', confirmedAt: placedAt }),
    recordedEvent('order-o2', 1, 'OrderCancelled', {
      orderId: 'o2',
      reason: 'out_of_stock',
      previousStatus: 'pending',
      cancelledAt: placedAt,
    }),
  ];
};

const inventoryEvents = (): RecordedEvent[] => {
  const levels = { onHand: 50, available: 50 };
  return [
    recordedEvent('inventory-sku-a', 0, 'ReservationCommitted', {
      sku: 'sku-a',
      orderId: 'o1',
      quantity: 2,
      ...levels,
    }),
    recordedEvent('inventory-sku-a', 1, 'ReservationCommitted', {
      sku: 'sku-a',
      orderId: 'o3',
      quantity: 5,
      ...levels,
    }),
    recordedEvent('inventory-sku-b', 0, 'ReservationCommitted', {
      sku: 'sku-b',
      orderId: 'o1',
      quantity: 3,
      ...levels,
    }),
    recordedEvent('inventory-sku-a', 2, 'StockReturned', { sku: 'sku-a', orderId: 'o3', quantity: 5, ...levels }),
    recordedEvent('inventory-sku-c', 0, 'ReservationCommitted', {
      sku: 'sku-c',
      orderId: 'o1',
      quantity: 1,
      ...levels,
    }),
  ];
};

const sagaEvents = (): RecordedEvent[] => {
  const started = (orderId: string) =>
    recordedEvent(`saga-${orderId}`, 0, 'SagaStarted', {
      orderId,
      customerId: 'c1',
      lines: [{ sku: 'sku-a', quantity: 2 }],
      payment: [{ method: 'card', amount: 200, token: 'tok_ok' }],
      total: 200,
      at: placedAt,
    });
  return [
    started('o1'),
    recordedEvent('saga-o1', 1, 'SagaCompleted', { orderId: 'o1', at: placedAt }),
    started('o2'),
    recordedEvent('saga-o2', 1, 'SagaCompensationStarted', { orderId: 'o2', reason: 'out_of_stock', at: placedAt }),
    recordedEvent('saga-o2', 2, 'SagaStuck', {
      orderId: 'o2',
      stepId: 'release:sku-a#1',
      step: 'release:sku-a',
      lastError: 'timeout',
      at: placedAt,
    }),
    recordedEvent('saga-o2', 3, 'SagaResumed', { orderId: 'o2', at: placedAt }),
    started('o3'),
    recordedEvent('saga-o3', 1, 'SagaStuck', {
      orderId: 'o3',
      stepId: 'reserve:sku-a#1',
      step: 'reserve:sku-a',
      lastError: 'timeout',
      at: placedAt,
    }),
  ];
};

const expected = {
  ordersByStatus: { pending: 1, confirmed: 1, cancelled: 1 },
  sagasByState: { running: 0, compensating: 1, stuck: 1, completed: 1, compensated: 0 },
  topSkus: [
    { sku: 'sku-b', unitsSold: 3 },
    { sku: 'sku-a', unitsSold: 2 },
    { sku: 'sku-c', unitsSold: 1 },
  ],
};

const counters = async (context: Context) => {
  const read = await readDashboardCounters(context.redis, context.keyPrefix, { now, minutes: 10 });
  return {
    ordersByStatus: read.ordersByStatus,
    sagasByState: read.sagasByState,
    topSkus: read.topSkus,
    placedThatMinute: read.ordersPerMinute.find((entry) => entry.minute === '2024-05-01T10:00')?.count,
    minutes: read.ordersPerMinute.length,
  };
};

const produceAll = async (context: Context) => {
  await produceEvents(context.producer, `${context.topicPrefix}order-events`, orderEvents());
  await produceEvents(context.producer, `${context.topicPrefix}inventory-events`, inventoryEvents());
  await produceEvents(context.producer, `${context.topicPrefix}saga-events`, sagaEvents());
};

const groupCaughtUp = (groupId: string, topics: string[]) =>
  withKafkaAdmin(kafkaBrokers, async (admin) => {
    const committed = await admin.fetchOffsets({ groupId, topics });
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      const partitions = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
      const committedOf = (partition: number) =>
        Math.max(0, Number(partitions.find((p) => p.partition === partition)?.offset ?? -1));
      if (!ends.every(({ partition, high }) => committedOf(partition) === Number(high))) return false;
    }
    return true;
  });

test('counters, top sellers and the status cache; a full redelivery doubles nothing', async (context) => {
  await produceAll(context);
  const first = await startProjector(context);
  const settled = await waitFor(
    async () => {
      const now = await counters(context);
      return (
        JSON.stringify([now.ordersByStatus, now.sagasByState, now.topSkus]) ===
          JSON.stringify([expected.ordersByStatus, expected.sagasByState, expected.topSkus]) && now
      );
    },
    { what: 'the dashboard counters' },
  );
  assert.is(settled.placedThatMinute, 3);
  assert.is(settled.minutes, 10);
  assert.equal(await readCachedOrderStatus(context.redis, context.keyPrefix, 'o1'), {
    status: 'confirmed',
    version: 1,
    updatedAt: placedAt,
  });
  await waitFor(() => context.changes.length > 0, { what: 'a change message' });
  assert.is(JSON.parse(context.changes[0]!).source, 'dashboard');
  await waitFor(() => groupCaughtUp(first.groupId, first.topics), { what: 'offsets committed' });

  const lag = await withKafkaAdmin(kafkaBrokers, (admin) =>
    dashboardProjectorLag(admin, context.redis, context.keyPrefix, {
      projector: 'dashboard',
      groupId: first.groupId,
      topics: first.topics,
    }),
  );
  assert.is(lag.lag, 0);
  assert.ok(lag.lastEventAt);

  // Every record again, through a group that starts from the beginning, and the same records produced twice.
  await first.stop();
  context.running = [];
  await produceAll(context);
  const replay = await startProjector(context);
  await waitFor(() => groupCaughtUp(replay.groupId, replay.topics), { what: 'the replay read everything' });
  assert.equal(await counters(context), settled, 'nothing counted twice');
});

test('an unreadable record goes to the dead-letter topic and the rest is counted', async (context) => {
  const bad = { ...toKafkaMessage(orderEvents()[0]!), value: Buffer.from([0x01]) };
  await context.producer.send({ topic: `${context.topicPrefix}order-events`, acks: -1, messages: [bad] });
  await produceAll(context);
  const projector = await startProjector(context);
  const dead = await collectRecords([projector.deadLetterTopic]);
  try {
    await waitFor(() => dead.records.length === 1, { what: 'one dead letter' });
    assert.ok(dead.records[0]!.headers['dlq-reason']?.startsWith('SchemaDecodeError'));
  } finally {
    await dead.stop();
  }
  await waitFor(async () => (await counters(context)).ordersByStatus.cancelled === 1, { what: 'the rest counted' });
  assert.equal((await counters(context)).ordersByStatus, expected.ordersByStatus);
});

test.run();

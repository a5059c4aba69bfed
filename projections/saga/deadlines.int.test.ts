import { randomUUID } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createKafka } from '../../deploy/kafka-client.ts';
import { paymentDeadlineId } from '../../domain/order-saga/ids.ts';
import { inventoryStreamId, paymentStreamId } from '../../domain/streams.ts';
import { topicForAggregate } from '../../schemas/event-catalog.ts';
import { collectRecords } from '../../test/support/kafka.ts';
import { waitFor } from '../../test/support/wait.ts';
import { sagaDeadlinesOf } from './deadline-store.ts';
import { availableOf, SagaHarness } from './harness.ts';
import type { SagaRuntime } from './runtime.ts';

const paymentTimeoutMs = 1_500;
const context = { harness: undefined as unknown as SagaHarness, saga: undefined as unknown as SagaRuntime };
const test = suite('saga deadlines and poison records', context);

test.before(async (ctx) => {
  ctx.harness = await SagaHarness.create();
  ctx.saga = await ctx.harness.startSaga({ sagaOptions: { paymentTimeoutMs }, gatewayTimeoutMs: 300 });
});
test.after(async (ctx) => {
  await ctx.harness?.close();
});

test('a gateway that never answers: at the payment deadline the payment is voided, stock released, order cancelled', async ({
  harness,
}) => {
  const sku = await harness.registerSku(5, 800);
  const customerId = await harness.grantPoints(200);
  const orderId = await harness.placeOrder({
    customerId,
    items: [{ sku, quantity: 2 }],
    payment: [
      { method: 'card', amount: 1_400, token: 'tok_timeout' },
      { method: 'points', amount: 200 },
    ],
  });

  const saga = await harness.settled(orderId);
  assert.is(saga.status, 'compensated');
  assert.is(saga.compensation?.reason, 'payment_timeout');
  const order = await harness.order(orderId);
  assert.ok(order.status === 'Cancelled' && order.reason === 'payment_timeout', `order ${JSON.stringify(order)}`);
  assert.ok(
    (await harness.events(paymentStreamId(orderId))).some((event) => event.type === 'PaymentVoided'),
    'payment voided',
  );
  assert.is(availableOf(await harness.inventory(sku)), 5, 'stock released');
  assert.is(await harness.count(inventoryStreamId(sku), 'StockReleased'), 1);
  // The void gives points back right after it records PaymentVoided, so the saga may settle first.
  await waitFor(async () => (await harness.points(customerId)).balance === 200, { what: 'points given back' });

  const events = await harness.sagaEvents(orderId);
  const failed = events.find((event) => event.type === 'SagaStepFailed');
  assert.is(
    (failed?.data as { rule?: string } | undefined)?.rule,
    'gateway_no_answer',
    'no answer is recorded, not retried',
  );
  assert.not.ok(
    events.some((event) => event.type === 'SagaStuck'),
    'waiting for the deadline is not being stuck',
  );
  const set = events.find((event) => event.type === 'SagaDeadlineSet');
  const started = events.find((event) => event.type === 'SagaCompensationStarted');
  assert.ok(set && started);
  assert.ok(
    started.recordedAt.getTime() - set.recordedAt.getTime() >= paymentTimeoutMs - 50,
    'compensation starts at the deadline',
  );

  const [deadline] = await waitFor(
    async () => {
      const rows = await sagaDeadlinesOf(harness.db.pool, orderId);
      return rows[0]?.clearedAt ? rows : undefined;
    },
    { what: 'the deadline row cleared' },
  );
  assert.is(deadline?.deadlineId, paymentDeadlineId(orderId));
  assert.ok(deadline?.firedAt, 'fired');
  assert.is(deadline?.clearReason, 'reached');
});

test('a poison record on order-events goes to the dead-letter topic; other orders still settle', async ({
  harness,
  saga,
}) => {
  const deadLetters = await collectRecords([saga.inputs.deadLetterTopic]);
  const producer = createKafka(harness.brokers, 'saga-test-poison').producer({
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    const eventId = randomUUID();
    await producer.send({
      topic: topicForAggregate('order', harness.prefix),
      acks: -1,
      messages: [
        {
          key: 'order-poison',
          value: Buffer.from([0xff, 0xff, 0xff, 0x01]),
          headers: {
            'event-id': eventId,
            'event-type': 'OrderPlaced',
            'schema-version': '2',
            'stream-id': 'order-poison',
            'stream-version': '0',
            'global-position': '1',
            'recorded-at': new Date().toISOString(),
          },
        },
      ],
    });

    const sku = await harness.registerSku(2, 500);
    const orderId = await harness.placeOrder({
      items: [{ sku, quantity: 1 }],
      payment: [{ method: 'card', amount: 500, token: 'tok_ok' }],
    });

    const dead = await waitFor(() => deadLetters.records.find((record) => record.headers['event-id'] === eventId), {
      what: 'the poison record in the dead-letter topic',
    });
    assert.ok(saga.inputs.deadLetterTopic.startsWith(harness.prefix), saga.inputs.deadLetterTopic);
    assert.ok(saga.inputs.deadLetterTopic.endsWith('saga'), saga.inputs.deadLetterTopic);
    assert.match(dead.headers['dlq-reason'] ?? '', /^SchemaDecodeError/);
    assert.is(dead.headers['dlq-origin-topic'], topicForAggregate('order', harness.prefix));
    assert.equal([...(dead.value ?? [])], [0xff, 0xff, 0xff, 0x01], 'the original bytes are kept');

    const settled = await harness.settled(orderId);
    assert.ok(settled.status === 'completed' || settled.status === 'compensated', settled.status);
  } finally {
    await producer.disconnect();
    await deadLetters.stop();
  }
});

test.run();

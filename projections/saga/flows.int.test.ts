import { Partitioners, type Producer } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createKafka } from '../../deploy/kafka-client.ts';
import type { PaymentPart } from '../../domain/payment-plan/payment-part.ts';
import { inventoryStreamId, paymentStreamId, pointsStreamId } from '../../domain/streams.ts';
import { topicFor } from '../../schemas/event-catalog.ts';
import { toKafkaMessage } from '../../schemas/kafka-envelope.ts';
import { waitFor } from '../../test/support/wait.ts';
import { availableOf, SagaHarness } from './harness.ts';
import { retrySaga } from './operations.ts';

/** One harness for the file: every test uses its own SKUs, customers, coupons and orders. */
const context = { harness: undefined as unknown as SagaHarness, producer: undefined as unknown as Producer };
const test = suite('saga end to end', context);

const maxAttempts = 3;
test.before(async (ctx) => {
  ctx.harness = await SagaHarness.create();
  await ctx.harness.startSaga({ sagaOptions: { maxAttempts, retryBaseMs: 50 } });
  ctx.producer = createKafka(ctx.harness.brokers, 'saga-test-redelivery').producer({
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await ctx.producer.connect();
});
test.after(async (ctx) => {
  await ctx.producer?.disconnect();
  await ctx.harness?.close();
});

const card = (amount: number, token = 'tok_ok'): PaymentPart => ({ method: 'card', amount, token });

test('happy path with a card: confirmed, stock committed, payment captured, saga completed', async ({ harness }) => {
  const [a, b] = await Promise.all([harness.registerSku(10, 1_000), harness.registerSku(5, 250)]);
  const orderId = await harness.placeOrder({
    items: [
      { sku: a, quantity: 2 },
      { sku: b, quantity: 1 },
    ],
    payment: [card(2_250)],
  });

  const saga = await harness.settled(orderId);
  assert.is(saga.status, 'completed');
  assert.is((await harness.order(orderId)).status, 'Confirmed');
  const [stockA, stockB] = await Promise.all([harness.inventory(a), harness.inventory(b)]);
  assert.equal([availableOf(stockA), availableOf(stockB)], [8, 4]);
  assert.ok(stockA.status === 'Registered' && stockA.onHand === 8 && stockA.reserved === 0, 'A committed');
  assert.ok(stockB.status === 'Registered' && stockB.onHand === 4 && stockB.reserved === 0, 'B committed');
  assert.equal(
    (await harness.events(paymentStreamId(orderId))).map((event) => event.type),
    ['PaymentRequested', 'PaymentAuthorized', 'PaymentCaptured'],
  );
});

test('happy path with points, a coupon and a card', async ({ harness }) => {
  const sku = await harness.registerSku(3, 5_000);
  const customerId = await harness.grantPoints(1_500);
  const coupon = await harness.createCoupon(1_000);
  const orderId = await harness.placeOrder({
    customerId,
    items: [{ sku, quantity: 1 }],
    payment: [
      card(2_500),
      { method: 'points', amount: 1_500 },
      { method: 'coupon', amount: 1_000, couponCode: coupon },
    ],
  });

  assert.is((await harness.settled(orderId)).status, 'completed');
  assert.is((await harness.order(orderId)).status, 'Confirmed');
  assert.is((await harness.points(customerId)).balance, 0);
  const redeemed = await harness.coupon(coupon);
  assert.ok(redeemed.status === 'Created' && redeemed.redemption?.orderId === orderId, 'coupon redeemed by the order');
  const captured = (await harness.events(paymentStreamId(orderId))).find((event) => event.type === 'PaymentCaptured');
  assert.is((captured?.data as { amount?: number } | undefined)?.amount, 2_500, 'the card part is what is charged');
});

test('one line of three out of stock: the other two are released, the order cancelled', async ({ harness }) => {
  const [a, b, c] = await Promise.all([harness.registerSku(4), harness.registerSku(4), harness.registerSku(1)]);
  const orderId = await harness.placeOrder({
    items: [
      { sku: a, quantity: 2 },
      { sku: b, quantity: 3 },
      { sku: c, quantity: 2 },
    ],
    payment: [card(7_000)],
  });

  assert.is((await harness.settled(orderId)).status, 'compensated');
  const order = await harness.order(orderId);
  assert.ok(order.status === 'Cancelled' && order.reason === 'out_of_stock', `order ${JSON.stringify(order)}`);
  const levels = await Promise.all([a, b, c].map(async (sku) => availableOf(await harness.inventory(sku))));
  assert.equal(levels, [4, 4, 1], 'available back to the initial stock');
  assert.is(await harness.count(inventoryStreamId(a), 'StockReleased'), 1);
  assert.is(await harness.count(inventoryStreamId(b), 'StockReleased'), 1);
  assert.is(await harness.count(inventoryStreamId(c), 'StockReservationRejected'), 1);
  assert.is((await harness.events(paymentStreamId(orderId))).length, 0, 'no payment was asked for');
});

test('a declined card: cancelled payment_declined, stock released, points and coupon given back', async ({
  harness,
}) => {
  const sku = await harness.registerSku(2, 4_000);
  const customerId = await harness.grantPoints(1_000);
  const coupon = await harness.createCoupon(500);
  const orderId = await harness.placeOrder({
    customerId,
    items: [{ sku, quantity: 1 }],
    payment: [
      card(2_500, 'tok_declined'),
      { method: 'points', amount: 1_000 },
      { method: 'coupon', amount: 500, couponCode: coupon },
    ],
  });

  assert.is((await harness.settled(orderId)).status, 'compensated');
  const order = await harness.order(orderId);
  assert.ok(order.status === 'Cancelled' && order.reason === 'payment_declined', `order ${JSON.stringify(order)}`);
  assert.is(availableOf(await harness.inventory(sku)), 2);
  assert.is(await harness.count(inventoryStreamId(sku), 'StockReleased'), 1);
  // The payment step gives back right after it records the decline, so the saga may settle first.
  await waitFor(async () => (await harness.points(customerId)).balance === 1_000, { what: 'points given back' });
  await waitFor(
    async () => {
      const restored = await harness.coupon(coupon);
      return restored.status === 'Created' && restored.redemption === undefined;
    },
    { what: 'the coupon usable again' },
  );
});

test('a customer cancels after confirmation: refund, restock, saga compensated', async ({ harness }) => {
  const [a, b] = await Promise.all([harness.registerSku(6, 700), harness.registerSku(6, 300)]);
  const customerId = await harness.grantPoints(400);
  const orderId = await harness.placeOrder({
    customerId,
    items: [
      { sku: a, quantity: 1 },
      { sku: b, quantity: 2 },
    ],
    payment: [card(900), { method: 'points', amount: 400 }],
  });
  assert.is((await harness.settled(orderId)).status, 'completed');

  await harness.cancelOrder(orderId);
  await harness.waitForSaga(orderId, (saga) => saga.status === 'compensated', 'the saga to compensate');
  const order = await harness.order(orderId);
  assert.ok(order.status === 'Cancelled' && order.reason === 'customer_request', `order ${JSON.stringify(order)}`);
  assert.is(order.status === 'Cancelled' && order.previousStatus, 'confirmed');
  assert.ok(
    (await harness.events(paymentStreamId(orderId))).some((event) => event.type === 'PaymentRefunded'),
    'refunded',
  );
  for (const [sku, initial] of [
    [a, 6],
    [b, 6],
  ] as const) {
    assert.is(await harness.count(inventoryStreamId(sku), 'StockReturned'), 1, `${sku} restocked once`);
    const stock = await harness.inventory(sku);
    assert.ok(stock.status === 'Registered' && stock.onHand === initial && availableOf(stock) === initial);
  }
  // Points are given back right after the refund is recorded, so the saga may settle first.
  await waitFor(async () => (await harness.points(customerId)).balance === 400, { what: 'points given back' });
});

test('the same records delivered twice: nothing is reserved, authorized or captured twice', async ({
  harness,
  producer,
}) => {
  const [a, b] = await Promise.all([harness.registerSku(5, 100), harness.registerSku(5, 100)]);
  const orderId = await harness.placeOrder({
    items: [
      { sku: a, quantity: 1 },
      { sku: b, quantity: 1 },
    ],
    payment: [card(200)],
  });
  assert.is((await harness.settled(orderId)).status, 'completed');
  // The saga can complete on the domain events before a step's own report arrives (capture-payment's
  // SagaStepSucceeded often lands after SagaCompleted): the baseline is the stream once every step is answered.
  const sagaVersion = await waitFor(
    async () => {
      const events = await harness.sagaEvents(orderId);
      const stepIdOf = (event: (typeof events)[number]) => (event.data as { stepId?: string }).stepId;
      const answered = new Set(
        events
          .filter((event) => ['SagaStepSucceeded', 'SagaStepFailed', 'SagaStepAbandoned'].includes(event.type))
          .map(stepIdOf),
      );
      const open = events.filter((event) => event.type === 'SagaStepScheduled' && !answered.has(stepIdOf(event)));
      return open.length === 0 ? events.length : undefined;
    },
    { what: 'every scheduled step answered' },
  );

  const placed = (await harness.events(`order-${orderId}`)).find((event) => event.type === 'OrderPlaced');
  const reserved = (await harness.events(inventoryStreamId(a))).find((event) => event.type === 'StockReserved');
  const scheduled = (await harness.sagaEvents(orderId)).filter((event) => event.type === 'SagaStepScheduled');
  assert.ok(placed && reserved && scheduled.length > 0);
  const again = [placed, reserved, ...scheduled];
  await producer.sendBatch({
    acks: -1,
    topicMessages: again.map((event) => ({
      topic: topicFor(event.type, harness.prefix),
      messages: [toKafkaMessage(event)],
    })),
  });
  await waitFor(
    () =>
      again.every((event) => {
        const consumer = event.type === 'SagaStepScheduled' ? 'steps' : 'inputs';
        return harness.handled[consumer].get(event.id) === 2;
      }),
    { what: 'every record handled a second time' },
  );

  assert.is((await harness.sagaEvents(orderId)).length, sagaVersion, 'the saga appended nothing');
  for (const sku of [a, b]) {
    assert.is(await harness.count(inventoryStreamId(sku), 'StockReserved'), 1, `one reservation of ${sku}`);
    assert.is(await harness.count(inventoryStreamId(sku), 'ReservationCommitted'), 1, `one commit of ${sku}`);
  }
  const payment = (await harness.events(paymentStreamId(orderId))).map((event) => event.type);
  assert.equal(payment, ['PaymentRequested', 'PaymentAuthorized', 'PaymentCaptured']);
  assert.is(harness.gateway.requests.filter((request) => request.orderId === orderId).length, 1, 'gateway asked once');
});

test('tok_error: transient retries, stuck after the last attempt, resumed by retrySaga', async ({ harness }) => {
  const sku = await harness.registerSku(3, 1_000);
  const customerId = await harness.grantPoints(300);
  const orderId = await harness.placeOrder({
    customerId,
    items: [{ sku, quantity: 1 }],
    payment: [card(700, 'tok_error'), { method: 'points', amount: 300 }],
  });

  const stuck = await harness.waitForSaga(orderId, (saga) => saga.status === 'stuck', 'the saga to be stuck');
  assert.equal(
    stuck.stuck.map((step) => step.stepId),
    [`authorize-payment#${maxAttempts}`],
  );
  const failures = (await harness.sagaEvents(orderId)).filter((event) => event.type === 'SagaStepFailed');
  assert.is(failures.length, maxAttempts, 'every attempt failed transiently');
  assert.ok(failures.every((event) => (event.data as { transient: boolean }).transient));
  assert.is((await harness.order(orderId)).status, 'Pending');
  assert.is(await harness.count(pointsStreamId(customerId), 'PointsSpent'), 1, 'points spent once for all attempts');

  harness.gateway.heal(orderId);
  await retrySaga({ store: harness.store, orderId, now: new Date() });
  assert.is((await harness.settled(orderId)).status, 'completed');
  assert.is((await harness.order(orderId)).status, 'Confirmed');
  assert.is(await harness.count(pointsStreamId(customerId), 'PointsSpent'), 1);
  assert.is((await harness.points(customerId)).balance, 0);
});

test.run();

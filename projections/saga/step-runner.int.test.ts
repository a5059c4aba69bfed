import { randomUUID } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { handleCommand } from '../../commands/command-handler.ts';
import type { EventStore } from '../../commands/event-store/event-store.ts';
import { PostgresEventStore } from '../../commands/event-store/postgres/postgres-event-store.ts';
import { createPaymentService } from '../../commands/payment/payment-service.ts';
import { crashOnce } from '../../commands/payment/payment-test-fixtures.ts';
import { simulatedPaymentGateway } from '../../commands/payment-gateway/simulated-payment-gateway.ts';
import { migrate } from '../../deploy/migrate.ts';
import type { DomainEvent } from '../../domain/domain-event.ts';
import { inventoryDecider } from '../../domain/inventory/inventory-decider.ts';
import { orderDecider } from '../../domain/order/order-decider.ts';
import { sagaStreamId } from '../../domain/order-saga/ids.ts';
import { type SagaInput, sagaInputOf } from '../../domain/order-saga/inputs.ts';
import { inventoryStreamId, orderStreamId, paymentStreamId } from '../../domain/streams.ts';
import { uniqueName } from '../../test/support/names.ts';
import { createTestSchema, type TestSchema } from '../../test/support/postgres.ts';
import { loadSaga } from './operations.ts';
import { feedAndRun } from './step-runner.ts';

/**
 * The runner that feeds an input executes the steps it decides at once, round after round, with no relay or
 * Kafka in between. These tests feed the inputs by hand (as the input consumer would) and crash it between
 * the rounds: fed the same input again, it follows what was recorded and applies nothing twice.
 */
const context = { db: undefined as unknown as TestSchema, store: undefined as unknown as PostgresEventStore };
const test = suite('saga step runner on PostgreSQL', context);

test.before(async (ctx) => {
  ctx.db = await createTestSchema('runner');
  await migrate(ctx.db.pool);
  ctx.store = new PostgresEventStore(ctx.db.pool);
});
test.after(async (ctx) => {
  await ctx.db?.drop();
});

const now = () => new Date().toISOString();
const runnerOn = (store: EventStore) => ({
  store,
  payments: createPaymentService({ store, gateway: simulatedPaymentGateway(), clock: () => new Date() }),
  log: () => undefined,
});

/** A SKU with stock, and a one-line order of it paid by card: returns the OrderPlaced as the saga's input. */
const placeOrder = async (
  store: EventStore,
  token = 'tok_ok',
): Promise<{ orderId: string; sku: string; input: SagaInput }> => {
  const sku = uniqueName('sku');
  const orderId = uniqueName('order');
  await handleCommand({
    store,
    decider: inventoryDecider,
    streamId: inventoryStreamId(sku),
    command: {
      type: 'RegisterSku',
      data: { sku, name: 'Mug', unitPrice: 500, initialStock: 10 },
      metadata: { commandId: randomUUID(), now: now() },
    },
  });
  const { events } = await handleCommand({
    store,
    decider: orderDecider,
    streamId: orderStreamId(orderId),
    command: {
      type: 'PlaceOrder',
      data: {
        orderId,
        customerId: uniqueName('customer'),
        lines: [{ sku, quantity: 2, unitPrice: 500 }],
        payment: [{ method: 'card', amount: 1000, token }],
        context: { pointsBalance: 0, coupons: {} },
      },
      metadata: { commandId: randomUUID(), now: now() },
    },
  });
  return { orderId, sku, input: inputOf(events[0]!) };
};

/** A recorded domain event as the input consumer feeds it: under `in:<eventId>`. */
const inputOf = (event: { id: string; type: string; data: unknown }): SagaInput => {
  const observed = sagaInputOf({ type: event.type, data: event.data } as DomainEvent, {
    commandId: `in:${event.id}`,
    now: now(),
  });
  if (!observed) throw new Error(`${event.type} is no saga input`);
  return observed.input;
};

const types = async (store: EventStore, streamId: string) =>
  (await store.readStream(streamId)).map((event) => event.type);

test('one input carries the order to the end: every step executed and reported by the runner', async ({ store }) => {
  const { orderId, sku, input } = await placeOrder(store);
  await feedAndRun(runnerOn(store), orderId, input);

  const saga = await loadSaga(store, orderId);
  assert.is(saga.status, 'completed');
  assert.equal(await types(store, orderStreamId(orderId)), ['OrderPlaced', 'OrderConfirmed']);
  assert.equal(await types(store, paymentStreamId(orderId)), [
    'PaymentRequested',
    'PaymentAuthorized',
    'PaymentCaptured',
  ]);
  assert.equal(await types(store, inventoryStreamId(sku)), ['SkuRegistered', 'StockReserved', 'ReservationCommitted']);
  // Four decisions: the order, then the reports of reserve, of authorize, of confirm + commit + capture.
  const commandIds = new Set((await store.readStream(sagaStreamId(orderId))).map((e) => e.metadata.commandId));
  assert.equal(
    [...commandIds],
    [
      `in:${(await store.readStream(orderStreamId(orderId)))[0]!.id}`,
      `steps:reserve:${sku}#1`,
      'steps:authorize-payment#1',
      'steps:confirm-order#1',
    ],
  );
});

test('the same input again records nothing and executes nothing', async ({ store }) => {
  const { orderId, sku, input } = await placeOrder(store);
  await feedAndRun(runnerOn(store), orderId, input);
  const before = await store.readStream(sagaStreamId(orderId));
  const again = await feedAndRun(runnerOn(store), orderId, input);
  assert.equal(
    again.map((event) => event.id),
    before.map((event) => event.id),
    'the repeat follows the recorded rounds',
  );
  assert.is((await store.readStream(sagaStreamId(orderId))).length, before.length);
  assert.equal(await types(store, inventoryStreamId(sku)), ['SkuRegistered', 'StockReserved', 'ReservationCommitted']);
});

test('a crash before the reports are recorded: the repeat runs the steps again, the aggregates apply them once', async ({
  store,
}) => {
  const { orderId, sku, input } = await placeOrder(store);
  const crashing = crashOnce(
    store,
    (streamId, events) => streamId === sagaStreamId(orderId) && events.some((e) => e.type === 'SagaStepSucceeded'),
  );
  const error = await feedAndRun(runnerOn(crashing), orderId, input).catch((thrown: unknown) => thrown);
  assert.instance(error, Error);
  assert.ok(crashing.crashed());
  assert.equal(await types(store, inventoryStreamId(sku)), ['SkuRegistered', 'StockReserved'], 'reserved, unreported');

  await feedAndRun(runnerOn(store), orderId, input);
  assert.is((await loadSaga(store, orderId)).status, 'completed');
  assert.equal(await types(store, inventoryStreamId(sku)), ['SkuRegistered', 'StockReserved', 'ReservationCommitted']);
  assert.equal(await types(store, paymentStreamId(orderId)), [
    'PaymentRequested',
    'PaymentAuthorized',
    'PaymentCaptured',
  ]);
});

test('a crash after a round was recorded: the repeat follows the recorded rounds to the steps still pending', async ({
  store,
}) => {
  const { orderId, sku, input } = await placeOrder(store);
  // Dies as it records the authorization's report: reserve and authorize ran, confirm/commit/capture never did.
  const crashing = crashOnce(
    store,
    (streamId, events) => streamId === sagaStreamId(orderId) && events.some((e) => e.type === 'SagaPaymentAuthorized'),
  );
  await feedAndRun(runnerOn(crashing), orderId, input).catch(() => undefined);
  assert.ok(crashing.crashed());
  const crashed = await loadSaga(store, orderId);
  assert.ok(crashed.status === 'running' && crashed.steps['authorize-payment']?.status === 'in_flight');

  // The repeated authorization reports the answer its first run recorded, so the rounds go on to the end.
  await feedAndRun(runnerOn(store), orderId, input);
  assert.is((await loadSaga(store, orderId)).status, 'completed');
  assert.equal(await types(store, inventoryStreamId(sku)), ['SkuRegistered', 'StockReserved', 'ReservationCommitted']);
  assert.equal(await types(store, paymentStreamId(orderId)), [
    'PaymentRequested',
    'PaymentAuthorized',
    'PaymentCaptured',
  ]);
});

test('a declined card: the runner compensates in the same rounds', async ({ store }) => {
  const { orderId, sku, input } = await placeOrder(store, 'tok_declined');
  await feedAndRun(runnerOn(store), orderId, input);
  const saga = await loadSaga(store, orderId);
  assert.ok(saga.status === 'compensated' && saga.compensation?.reason === 'payment_declined');
  assert.equal(await types(store, inventoryStreamId(sku)), ['SkuRegistered', 'StockReserved', 'StockReleased']);
  assert.equal(await types(store, orderStreamId(orderId)), ['OrderPlaced', 'OrderCancelled']);
});

test.run();

import { randomUUID } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { migrate } from '../../deploy/migrate.ts';
import { inventoryDecider } from '../../domain/inventory/inventory-decider.ts';
import { orderDecider } from '../../domain/order/order-decider.ts';
import type { PaymentPart } from '../../domain/payment-plan/payment-part.ts';
import { inventoryStreamId, orderStreamId, paymentStreamId, pointsStreamId } from '../../domain/streams.ts';
import { uniqueName } from '../../test/support/names.ts';
import { createTestSchema, type TestSchema } from '../../test/support/postgres.ts';
import { handleCommand } from '../command-handler.ts';
import type { EventStore } from '../event-store/event-store.ts';
import { PostgresEventStore } from '../event-store/postgres/postgres-event-store.ts';
import { createPaymentService, type PaymentServiceDependencies } from '../payment/payment-service.ts';
import { cardPart, eventTypes, grantPoints, pointsPart } from '../payment/payment-test-fixtures.ts';
import { withCircuitBreaker } from '../payment-gateway/breaker-gateway.ts';
import { createCircuitBreaker } from '../payment-gateway/circuit-breaker.ts';
import { simulatedPaymentGateway } from '../payment-gateway/simulated-payment-gateway.ts';
import { executeStep, type StepOutcome, type StepToExecute } from './execute-step.ts';

const context = { schema: undefined as unknown as TestSchema, store: undefined as unknown as PostgresEventStore };
const test = suite('executeStep on PostgreSQL', context);
test.before(async (ctx) => {
  ctx.schema = await createTestSchema('execute_step');
  await migrate(ctx.schema.pool);
  ctx.store = new PostgresEventStore(ctx.schema.pool);
});
test.after(async (ctx) => {
  await ctx.schema.drop();
});

const executor = (store: EventStore, options: Partial<PaymentServiceDependencies> = {}) => {
  const payments = createPaymentService({
    store,
    gateway: simulatedPaymentGateway(),
    clock: () => new Date(),
    ...options,
  });
  return (step: StepToExecute) => executeStep({ store, payments }, step);
};

const step = (orderId: string, name: string, type: string, streamId: string, data: unknown): StepToExecute => ({
  commandId: `saga-${orderId}:${name}`,
  command: { type, streamId, dataJson: JSON.stringify(data) },
  correlationId: orderId,
  causationId: `saga-${orderId}@3`,
  now: new Date('2025-03-01T12:00:00.000Z'),
});

const registerSku = async (store: EventStore, initialStock: number): Promise<string> => {
  const sku = uniqueName('sku');
  await handleCommand({
    store,
    decider: inventoryDecider,
    streamId: inventoryStreamId(sku),
    command: {
      type: 'RegisterSku',
      data: { sku, name: 'Lamp', unitPrice: 900, initialStock },
      metadata: { commandId: randomUUID(), now: '2025-03-01T11:00:00.000Z' },
    },
  });
  return sku;
};

/** The types of what a successful step recorded; the outcome itself when it failed. */
const recordedTypes = (outcome: StepOutcome): string[] | StepOutcome =>
  outcome.ok ? outcome.events.map((event) => event.type) : outcome;

const placeOrder = async (store: EventStore, sku: string): Promise<string> => {
  const orderId = uniqueName('order');
  await handleCommand({
    store,
    decider: orderDecider,
    streamId: orderStreamId(orderId),
    command: {
      type: 'PlaceOrder',
      data: {
        orderId,
        customerId: uniqueName('customer'),
        lines: [{ sku, quantity: 2, unitPrice: 900 }],
        payment: [cardPart(1800)],
        context: { pointsBalance: 0, coupons: {} },
      },
      metadata: { commandId: randomUUID(), now: '2025-03-01T11:00:00.000Z' },
    },
  });
  return orderId;
};

test('ReserveStock reserves, and the same step again reserves nothing more', async ({ store }) => {
  const execute = executor(store);
  const sku = await registerSku(store, 10);
  const orderId = uniqueName('order');
  const reserve = step(orderId, `reserve-${sku}`, 'ReserveStock', inventoryStreamId(sku), {
    sku,
    orderId,
    quantity: 3,
  });
  assert.equal(recordedTypes(await execute(reserve)), ['StockReserved']);
  assert.equal(recordedTypes(await execute(reserve)), ['StockReserved'], 'the repeat reports what the first recorded');
  const events = await store.readStream(inventoryStreamId(sku));
  assert.equal(
    events.map((event) => event.type),
    ['SkuRegistered', 'StockReserved'],
  );
  assert.equal(events[1]!.metadata.commandId, reserve.commandId);
  assert.is(events[1]!.metadata.correlationId, orderId);
});

test('ReserveStock of an unknown SKU is a final not_found', async ({ store }) => {
  const sku = uniqueName('sku');
  const orderId = uniqueName('order');
  const outcome = await executor(store)(
    step(orderId, 'reserve', 'ReserveStock', inventoryStreamId(sku), { sku, orderId, quantity: 1 }),
  );
  assert.is(outcome.ok, false);
  assert.equal({ ...outcome, error: undefined }, { ok: false, error: undefined, rule: 'not_found', transient: false });
});

test('ConfirmOrder on a cancelled order is refused as order_cancelled', async ({ store }) => {
  const execute = executor(store);
  const orderId = await placeOrder(store, await registerSku(store, 5));
  const cancel = step(orderId, 'cancel', 'CancelOrder', orderStreamId(orderId), { orderId, reason: 'out_of_stock' });
  assert.equal(recordedTypes(await execute(cancel)), ['OrderCancelled']);
  const outcome = await execute(step(orderId, 'confirm', 'ConfirmOrder', orderStreamId(orderId), { orderId }));
  assert.equal(outcome.ok ? undefined : [outcome.rule, outcome.transient], ['order_cancelled', false]);
  const cancelled = (await store.readStream(orderStreamId(orderId)))[1];
  assert.is(
    (cancelled!.data as { cancelledAt: string }).cancelledAt,
    '2025-03-01T12:00:00.000Z',
    'now is the step time',
  );
});

test('a malformed step is a final invalid_step', async ({ store }) => {
  const execute = executor(store);
  const orderId = uniqueName('order');
  const valid = step(orderId, 'confirm', 'ConfirmOrder', orderStreamId(orderId), { orderId });
  const cases: StepToExecute[] = [
    { ...valid, command: { ...valid.command, dataJson: '{"orderId":' } },
    { ...valid, command: { ...valid.command, dataJson: '["not", "an", "object"]' } },
    { ...valid, command: { ...valid.command, type: 'ChargeEverything' } },
    { ...valid, command: { ...valid.command, type: 'toString' } },
    { ...valid, command: { ...valid.command, streamId: inventoryStreamId('sku-1') } },
    { ...valid, command: { ...valid.command, streamId: orderStreamId('another-order') } },
  ];
  for (const invalid of cases) {
    const outcome = await execute(invalid);
    assert.equal(
      outcome.ok ? undefined : [outcome.rule, outcome.transient],
      ['invalid_step', false],
      invalid.command.type,
    );
  }
  assert.equal(await eventTypes(store, orderStreamId(orderId)), []);
});

test('bad fields of a domain step are a final validation refusal', async ({ store }) => {
  const sku = await registerSku(store, 5);
  const orderId = uniqueName('order');
  const outcome = await executor(store)(
    step(orderId, 'reserve', 'ReserveStock', inventoryStreamId(sku), { sku, orderId, quantity: 0 }),
  );
  assert.equal(outcome.ok ? undefined : [outcome.rule, outcome.transient], ['validation', false]);
});

const authorizeStep = (orderId: string, customerId: string, parts: PaymentPart[], deadlineAt?: string) => ({
  ...step(orderId, 'authorize', 'AuthorizePayment', paymentStreamId(orderId), {
    orderId,
    customerId,
    parts,
    total: parts.reduce((sum, part) => sum + part.amount, 0),
  }),
  ...(deadlineAt ? { deadlineAt } : {}),
});

test('AuthorizePayment: approved and declined are both ok (the payment stream tells which)', async ({ store }) => {
  const execute = executor(store);
  const approved = uniqueName('order');
  const declined = uniqueName('order');
  assert.equal(recordedTypes(await execute(authorizeStep(approved, uniqueName('customer'), [cardPart(900)]))), [
    'PaymentRequested',
    'PaymentAuthorized',
  ]);
  const declinedStep = authorizeStep(declined, uniqueName('customer'), [cardPart(900, 'tok_declined')]);
  assert.equal(recordedTypes(await execute(declinedStep)), ['PaymentRequested', 'PaymentDeclined']);
  assert.equal(
    recordedTypes(await execute(declinedStep)),
    ['PaymentRequested', 'PaymentDeclined'],
    'run again, the step reports the answer recorded the first time',
  );
  assert.equal(await eventTypes(store, paymentStreamId(approved)), ['PaymentRequested', 'PaymentAuthorized']);
  assert.equal(await eventTypes(store, paymentStreamId(declined)), ['PaymentRequested', 'PaymentDeclined']);
});

test('AuthorizePayment with tok_error is transient and records no answer', async ({ store }) => {
  const orderId = uniqueName('order');
  const outcome = await executor(store)(authorizeStep(orderId, uniqueName('customer'), [cardPart(900, 'tok_error')]));
  assert.equal(outcome.ok ? undefined : [outcome.rule, outcome.transient], ['gateway_unavailable', true]);
  assert.equal(await eventTypes(store, paymentStreamId(orderId)), ['PaymentRequested']);
});

test('AuthorizePayment with tok_timeout is a final gateway_no_answer', async ({ store }) => {
  const orderId = uniqueName('order');
  const execute = executor(store, { gatewayTimeoutMs: 40 });
  const outcome = await execute(authorizeStep(orderId, uniqueName('customer'), [cardPart(900, 'tok_timeout')]));
  assert.equal(outcome.ok ? undefined : [outcome.rule, outcome.transient], ['gateway_no_answer', false]);
  assert.equal(await eventTypes(store, paymentStreamId(orderId)), ['PaymentRequested']);
});

test('AuthorizePayment while the circuit is open is transient', async ({ store }) => {
  const gateway = withCircuitBreaker(simulatedPaymentGateway(), createCircuitBreaker({ failureThreshold: 2 }));
  const execute = executor(store, { gateway });
  for (let i = 0; i < 2; i++) {
    const outcome = await execute(
      authorizeStep(uniqueName('order'), uniqueName('customer'), [cardPart(9, 'tok_error')]),
    );
    assert.equal(outcome.ok ? undefined : outcome.rule, 'gateway_unavailable');
  }
  const outcome = await execute(authorizeStep(uniqueName('order'), uniqueName('customer'), [cardPart(900)]));
  assert.equal(outcome.ok ? undefined : [outcome.rule, outcome.transient], ['circuit_open', true]);
});

test('AuthorizePayment with malformed parts is a final validation refusal', async ({ store }) => {
  const orderId = uniqueName('order');
  const outcome = await executor(store)(
    authorizeStep(orderId, uniqueName('customer'), [{ method: 'card', amount: 900 } as PaymentPart]),
  );
  assert.equal(outcome.ok ? undefined : [outcome.rule, outcome.transient], ['validation', false]);
  assert.equal(await eventTypes(store, paymentStreamId(orderId)), []);
});

test('Capture, Refund and Void steps reach the payment service', async ({ store }) => {
  const execute = executor(store);
  const customerId = await grantPoints(store, 500);
  const parts = [cardPart(900), pointsPart(100)];
  const captured = uniqueName('order');
  assert.equal(recordedTypes(await execute(authorizeStep(captured, customerId, parts))), [
    'PaymentRequested',
    'PointsSpent',
    'PaymentAuthorized',
  ]);
  const capture = step(captured, 'capture', 'CapturePayment', paymentStreamId(captured), { orderId: captured });
  assert.equal(recordedTypes(await execute(capture)), ['PaymentCaptured']);
  const refund = step(captured, 'refund', 'RefundPayment', paymentStreamId(captured), {
    orderId: captured,
    customerId,
    parts,
    reason: 'customer_request',
  });
  assert.equal(recordedTypes(await execute(refund)), ['PaymentRefunded', 'PointsRefunded']);
  assert.equal(await eventTypes(store, paymentStreamId(captured)), [
    'PaymentRequested',
    'PaymentAuthorized',
    'PaymentCaptured',
    'PaymentRefunded',
  ]);

  const voided = uniqueName('order');
  assert.equal(recordedTypes(await execute(authorizeStep(voided, customerId, parts))), [
    'PaymentRequested',
    'PointsSpent',
    'PaymentAuthorized',
  ]);
  const voiding = step(voided, 'void', 'VoidPayment', paymentStreamId(voided), {
    orderId: voided,
    customerId,
    parts,
    reason: 'payment_timeout',
  });
  assert.equal(recordedTypes(await execute(voiding)), ['PaymentVoided', 'PointsRefunded']);
  assert.equal(await eventTypes(store, paymentStreamId(voided)), [
    'PaymentRequested',
    'PaymentAuthorized',
    'PaymentVoided',
  ]);
  const refundCaptured = await execute({
    ...voiding,
    commandId: `saga-${captured}:void`,
    command: {
      ...voiding.command,
      streamId: paymentStreamId(captured),
      dataJson: JSON.stringify({ orderId: captured, customerId, parts, reason: 'payment_timeout' }),
    },
  });
  assert.equal(refundCaptured.ok ? undefined : [refundCaptured.rule, refundCaptured.transient], [
    'payment_already_captured',
    false,
  ]);
  assert.equal(await eventTypes(store, pointsStreamId(customerId)), [
    'PointsGranted',
    'PointsSpent',
    'PointsRefunded',
    'PointsSpent',
    'PointsRefunded',
  ]);
});

test.run();

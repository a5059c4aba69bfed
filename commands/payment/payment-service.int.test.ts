import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { migrate } from '../../deploy/migrate.ts';
import { isDomainError } from '../../domain/errors.ts';
import { type PaymentGateway, TransientGatewayError } from '../../domain/payment/payment-gateway.ts';
import type { PaymentPart } from '../../domain/payment-plan/payment-part.ts';
import { couponStreamId, paymentStreamId, pointsStreamId } from '../../domain/streams.ts';
import { uniqueName } from '../../test/support/names.ts';
import { createTestSchema, type TestSchema } from '../../test/support/postgres.ts';
import type { EventStore } from '../event-store/event-store.ts';
import { PostgresEventStore } from '../event-store/postgres/postgres-event-store.ts';
import { withCircuitBreaker } from '../payment-gateway/breaker-gateway.ts';
import { CircuitOpenError, createCircuitBreaker } from '../payment-gateway/circuit-breaker.ts';
import { GatewayNoAnswerError } from './authorize-before-deadline.ts';
import { createPaymentService, type PaymentServiceDependencies } from './payment-service.ts';
import {
  cardPart,
  countingGateway,
  couponPart,
  crashOnce,
  createCoupon,
  eventTypes,
  grantPoints,
  pointsPart,
  stepFor,
} from './payment-test-fixtures.ts';

const context = { schema: undefined as unknown as TestSchema, store: undefined as unknown as PostgresEventStore };
const test = suite('payment service on PostgreSQL', context);
test.before(async (ctx) => {
  ctx.schema = await createTestSchema('payment_service');
  await migrate(ctx.schema.pool);
  ctx.store = new PostgresEventStore(ctx.schema.pool);
});
test.after(async (ctx) => {
  await ctx.schema.drop();
});

const servicesOn = (store: EventStore, options: Partial<PaymentServiceDependencies> = {}) => {
  const gateway = countingGateway();
  return { gateway, payments: createPaymentService({ store, gateway, clock: () => new Date(), ...options }) };
};

const order = (customerId: string, parts: PaymentPart[]) => ({
  orderId: uniqueName('order'),
  customerId,
  parts,
  total: parts.reduce((sum, part) => sum + part.amount, 0),
});

const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.unreachable('resolved');
};

test('a card approved by the gateway is authorized', async ({ store }) => {
  const { payments, gateway } = servicesOn(store);
  const data = order(uniqueName('customer'), [cardPart(2500)]);
  const outcome = await payments.authorize(data, stepFor(data.orderId));
  assert.equal(outcome, { outcome: 'authorized', authorizationId: `auth_${data.orderId}` });
  assert.equal(await eventTypes(store, paymentStreamId(data.orderId)), ['PaymentRequested', 'PaymentAuthorized']);
  assert.equal(gateway.requests, [{ orderId: data.orderId, method: 'card', amount: 2500, token: 'tok_ok' }]);
});

test('a declined card gives back the points and the coupon', async ({ store }) => {
  const { payments } = servicesOn(store);
  const customerId = await grantPoints(store, 1000);
  const code = await createCoupon(store, 500);
  const data = order(customerId, [cardPart(3000, 'tok_declined'), pointsPart(400), couponPart(500, code)]);
  const outcome = await payments.authorize(data, stepFor(data.orderId));
  assert.equal(outcome, { outcome: 'declined', reason: 'declined' });
  assert.equal(await eventTypes(store, paymentStreamId(data.orderId)), ['PaymentRequested', 'PaymentDeclined']);
  const points = await store.readStream(pointsStreamId(customerId));
  assert.equal(
    points.map((event) => event.type),
    ['PointsGranted', 'PointsSpent', 'PointsRefunded'],
  );
  assert.is((points[2]!.data as { balance: number }).balance, 1000);
  assert.equal(await eventTypes(store, couponStreamId(code)), ['CouponCreated', 'CouponRedeemed', 'CouponRestored']);
});

test('points alone are authorized without calling the gateway', async ({ store }) => {
  const { payments, gateway } = servicesOn(store);
  const customerId = await grantPoints(store, 1000);
  const data = order(customerId, [pointsPart(700)]);
  const outcome = await payments.authorize(data, stepFor(data.orderId));
  assert.equal(outcome, { outcome: 'authorized', authorizationId: `internal-${data.orderId}` });
  assert.equal(gateway.requests, []);
  assert.equal(await eventTypes(store, pointsStreamId(customerId)), ['PointsGranted', 'PointsSpent']);
});

test('a coupon with a card: the coupon is redeemed, the card authorized for the rest', async ({ store }) => {
  const { payments, gateway } = servicesOn(store);
  const code = await createCoupon(store, 1000);
  const data = order(uniqueName('customer'), [cardPart(4000), couponPart(800, code)]);
  const outcome = await payments.authorize(data, stepFor(data.orderId));
  assert.is(outcome.outcome, 'authorized');
  assert.is(gateway.requests[0]?.amount, 4000);
  assert.equal(await eventTypes(store, couponStreamId(code)), ['CouponCreated', 'CouponRedeemed']);
});

test('points beyond the balance at authorization time decline the payment, nothing else is touched', async ({
  store,
}) => {
  const { payments, gateway } = servicesOn(store);
  const customerId = await grantPoints(store, 100);
  const code = await createCoupon(store, 500);
  const data = order(customerId, [cardPart(1000), pointsPart(300), couponPart(500, code)]);
  const outcome = await payments.authorize(data, stepFor(data.orderId));
  assert.equal(outcome, { outcome: 'declined', reason: 'points_exceed_balance' });
  assert.equal(gateway.requests, [], 'the gateway is not asked');
  assert.equal(await eventTypes(store, pointsStreamId(customerId)), ['PointsGranted']);
  assert.equal(await eventTypes(store, couponStreamId(code)), ['CouponCreated']);
  const declined = (await store.readStream(paymentStreamId(data.orderId)))[1];
  assert.is(declined?.type, 'PaymentDeclined');
  assert.is((declined!.data as { reason: string }).reason, 'points_exceed_balance');
});

test('a coupon redeemed by another order declines as coupon_already_redeemed and gives back the points', async ({
  store,
}) => {
  const { payments } = servicesOn(store);
  const customerId = await grantPoints(store, 1000);
  const code = await createCoupon(store, 500);
  const first = order(customerId, [cardPart(1000), couponPart(500, code)]);
  await payments.authorize(first, stepFor(first.orderId));
  const second = order(customerId, [cardPart(1000), pointsPart(200), couponPart(500, code)]);
  const outcome = await payments.authorize(second, stepFor(second.orderId));
  assert.equal(outcome, { outcome: 'declined', reason: 'coupon_already_redeemed' });
  assert.equal(await eventTypes(store, pointsStreamId(customerId)), ['PointsGranted', 'PointsSpent', 'PointsRefunded']);
});

test('tok_error fails transiently and records no answer', async ({ store }) => {
  const { payments } = servicesOn(store);
  const data = order(uniqueName('customer'), [cardPart(1000, 'tok_error')]);
  const error = await rejectionOf(payments.authorize(data, stepFor(data.orderId)));
  assert.instance(error, TransientGatewayError);
  assert.equal(await eventTypes(store, paymentStreamId(data.orderId)), ['PaymentRequested']);
});

test('tok_timeout: no answer within the gateway timeout', async ({ store }) => {
  const { payments } = servicesOn(store, { gatewayTimeoutMs: 50 });
  const data = order(uniqueName('customer'), [cardPart(1000, 'tok_timeout')]);
  const error = await rejectionOf(payments.authorize(data, stepFor(data.orderId)));
  assert.instance(error, GatewayNoAnswerError);
  assert.equal(await eventTypes(store, paymentStreamId(data.orderId)), ['PaymentRequested']);
});

test('a step deadline earlier than the gateway timeout cuts the wait short', async ({ store }) => {
  const { payments, gateway } = servicesOn(store, { gatewayTimeoutMs: 60_000 });
  const data = order(uniqueName('customer'), [cardPart(1000, 'tok_timeout')]);
  const deadlineAt = new Date(Date.now() + 50).toISOString();
  const error = await rejectionOf(payments.authorize(data, stepFor(data.orderId, 'authorize', { deadlineAt })));
  assert.instance(error, GatewayNoAnswerError);
  assert.is(gateway.requests.length, 1);
  const late = order(uniqueName('customer'), [cardPart(1000, 'tok_ok')]);
  const past = new Date(Date.now() - 1).toISOString();
  const lateError = await rejectionOf(
    payments.authorize(late, stepFor(late.orderId, 'authorize', { deadlineAt: past })),
  );
  assert.instance(lateError, GatewayNoAnswerError);
  assert.is(gateway.requests.length, 1, 'past the deadline the gateway is not called');
});

test('the breaker opens after repeated tok_error and then fails fast', async ({ store }) => {
  const counting = countingGateway();
  const gateway = withCircuitBreaker(counting, createCircuitBreaker({ failureThreshold: 3, openMs: 60_000 }));
  const payments = createPaymentService({ store, gateway, clock: () => new Date() });
  for (let i = 0; i < 3; i++) {
    const failing = order(uniqueName('customer'), [cardPart(1000, 'tok_error')]);
    assert.not.instance(await rejectionOf(payments.authorize(failing, stepFor(failing.orderId))), CircuitOpenError);
  }
  const data = order(uniqueName('customer'), [cardPart(1000, 'tok_ok')]);
  const error = await rejectionOf(payments.authorize(data, stepFor(data.orderId)));
  assert.instance(error, CircuitOpenError);
  assert.is(counting.requests.length, 3, 'the open circuit does not call the gateway');
  assert.equal(await eventTypes(store, paymentStreamId(data.orderId)), ['PaymentRequested']);
});

test('void gives back points and coupon, once', async ({ store }) => {
  const { payments } = servicesOn(store);
  const customerId = await grantPoints(store, 1000);
  const code = await createCoupon(store, 500);
  const data = order(customerId, [cardPart(2000), pointsPart(300), couponPart(400, code)]);
  await payments.authorize(data, stepFor(data.orderId));
  const voiding = { ...data, reason: 'payment_timeout' };
  await payments.void(voiding, stepFor(data.orderId, 'void'));
  await payments.void(voiding, stepFor(data.orderId, 'void'));
  await payments.void(voiding, stepFor(data.orderId, 'void-again'));
  const payment = await store.readStream(paymentStreamId(data.orderId));
  assert.equal(
    payment.map((event) => event.type),
    ['PaymentRequested', 'PaymentAuthorized', 'PaymentVoided'],
  );
  assert.is((payment[2]!.data as { authorizationId?: string }).authorizationId, `auth_${data.orderId}`);
  assert.equal(await eventTypes(store, pointsStreamId(customerId)), ['PointsGranted', 'PointsSpent', 'PointsRefunded']);
  assert.equal(await eventTypes(store, couponStreamId(code)), ['CouponCreated', 'CouponRedeemed', 'CouponRestored']);
});

test('a void before the authorization leaves nothing for a late authorization to spend', async ({ store }) => {
  const { payments, gateway } = servicesOn(store);
  const customerId = await grantPoints(store, 1000);
  const data = order(customerId, [cardPart(2000), pointsPart(300)]);
  await payments.void({ ...data, reason: 'payment_timeout' }, stepFor(data.orderId, 'void'));
  const error = await rejectionOf(payments.authorize(data, stepFor(data.orderId)));
  assert.ok(isDomainError(error));
  assert.is((error as { rule?: string }).rule, 'payment_not_awaiting_authorization');
  assert.equal(gateway.requests, []);
  assert.equal(await eventTypes(store, paymentStreamId(data.orderId)), ['PaymentRequested', 'PaymentVoided']);
  assert.equal(await eventTypes(store, pointsStreamId(customerId)), ['PointsGranted']);
});

test('refund after capture gives back points and coupon', async ({ store }) => {
  const { payments } = servicesOn(store);
  const customerId = await grantPoints(store, 1000);
  const code = await createCoupon(store, 500);
  const data = order(customerId, [cardPart(2000), pointsPart(300), couponPart(400, code)]);
  await payments.authorize(data, stepFor(data.orderId));
  await payments.capture({ orderId: data.orderId }, stepFor(data.orderId, 'capture'));
  await payments.refund({ ...data, reason: 'customer_request' }, stepFor(data.orderId, 'refund'));
  await payments.refund({ ...data, reason: 'customer_request' }, stepFor(data.orderId, 'refund'));
  const payment = await store.readStream(paymentStreamId(data.orderId));
  assert.equal(
    payment.map((event) => event.type),
    ['PaymentRequested', 'PaymentAuthorized', 'PaymentCaptured', 'PaymentRefunded'],
  );
  assert.is((payment[3]!.data as { amount: number }).amount, 2000);
  assert.equal(await eventTypes(store, pointsStreamId(customerId)), ['PointsGranted', 'PointsSpent', 'PointsRefunded']);
  assert.equal(await eventTypes(store, couponStreamId(code)), ['CouponCreated', 'CouponRedeemed', 'CouponRestored']);
});

test('a refund before capture is refused and gives nothing back', async ({ store }) => {
  const { payments } = servicesOn(store);
  const customerId = await grantPoints(store, 1000);
  const data = order(customerId, [cardPart(2000), pointsPart(300)]);
  await payments.authorize(data, stepFor(data.orderId));
  const error = await rejectionOf(
    payments.refund({ ...data, reason: 'customer_request' }, stepFor(data.orderId, 'refund')),
  );
  assert.is((error as { rule?: string }).rule, 'payment_not_captured');
  assert.equal(await eventTypes(store, pointsStreamId(customerId)), ['PointsGranted', 'PointsSpent']);
});

const exactlyOnce = async (store: EventStore, data: ReturnType<typeof order>, code: string) => {
  const count = async (streamId: string, type: string) =>
    (await eventTypes(store, streamId)).filter((eventType) => eventType === type).length;
  assert.is(await count(pointsStreamId(data.customerId), 'PointsSpent'), 1);
  assert.is(await count(couponStreamId(code), 'CouponRedeemed'), 1);
  assert.is(await count(paymentStreamId(data.orderId), 'PaymentRequested'), 1);
  assert.is(await count(paymentStreamId(data.orderId), 'PaymentAuthorized'), 1);
};

test('the same step executed twice spends, redeems and charges once', async ({ store }) => {
  const { payments } = servicesOn(store);
  const customerId = await grantPoints(store, 1000);
  const code = await createCoupon(store, 500);
  const data = order(customerId, [cardPart(2000), pointsPart(300), couponPart(400, code)]);
  const first = await payments.authorize(data, stepFor(data.orderId));
  const again = await payments.authorize(data, stepFor(data.orderId));
  assert.equal(again, first);
  await exactlyOnce(store, data, code);
});

test('the same step executed twice at once spends, redeems and charges once', async ({ store }) => {
  const { payments } = servicesOn(store);
  const customerId = await grantPoints(store, 1000);
  const code = await createCoupon(store, 500);
  const data = order(customerId, [cardPart(2000), pointsPart(300), couponPart(400, code)]);
  const outcomes = await Promise.all([
    payments.authorize(data, stepFor(data.orderId)),
    payments.authorize(data, stepFor(data.orderId)),
  ]);
  assert.equal(outcomes[0], outcomes[1]);
  await exactlyOnce(store, data, code);
});

test('a step retried after a transient gateway failure does not spend again', async ({ store }) => {
  let calls = 0;
  const flaky: PaymentGateway = {
    authorize: async (request) => {
      calls++;
      if (calls === 1) throw new TransientGatewayError('blip');
      return { outcome: 'approved', authorizationId: `auth_${request.orderId}` };
    },
  };
  const payments = createPaymentService({ store, gateway: flaky, clock: () => new Date() });
  const customerId = await grantPoints(store, 1000);
  const code = await createCoupon(store, 500);
  const data = order(customerId, [cardPart(2000), pointsPart(300), couponPart(400, code)]);
  assert.instance(await rejectionOf(payments.authorize(data, stepFor(data.orderId))), TransientGatewayError);
  assert.is((await payments.authorize(data, stepFor(data.orderId))).outcome, 'authorized');
  await exactlyOnce(store, data, code);
});

const crashPoints: [string, (streamId: string, types: string[]) => boolean][] = [
  ['before the payment is requested', (_, types) => types.includes('PaymentRequested')],
  ['before the points are spent', (_, types) => types.includes('PointsSpent')],
  ['before the coupon is redeemed', (_, types) => types.includes('CouponRedeemed')],
  ['before the authorization is recorded', (_, types) => types.includes('PaymentAuthorized')],
];

for (const [where, crashesOn] of crashPoints) {
  test(`a crash ${where}, then the step again: everything happens once`, async ({ store }) => {
    const crashing = crashOnce(store, (streamId, events) =>
      crashesOn(
        streamId,
        events.map((event) => event.type),
      ),
    );
    const customerId = await grantPoints(store, 1000);
    const code = await createCoupon(store, 500);
    const data = order(customerId, [cardPart(2000), pointsPart(300), couponPart(400, code)]);
    const crashed = createPaymentService({ store: crashing, gateway: countingGateway(), clock: () => new Date() });
    await rejectionOf(crashed.authorize(data, stepFor(data.orderId)));
    assert.ok(crashing.crashed());
    const { payments } = servicesOn(store);
    assert.is((await payments.authorize(data, stepFor(data.orderId))).outcome, 'authorized');
    await exactlyOnce(store, data, code);
  });
}

test('a void between the reads and writes of a re-executed authorization: nothing is redeemed twice', async ({
  store,
}) => {
  const customerId = await grantPoints(store, 1000);
  const code = await createCoupon(store, 500);
  const data = order(customerId, [cardPart(2000), pointsPart(300), couponPart(400, code)]);
  const crashing = crashOnce(store, (_, events) => events.some((event) => event.type === 'PaymentAuthorized'));
  const crashed = createPaymentService({ store: crashing, gateway: countingGateway(), clock: () => new Date() });
  await rejectionOf(crashed.authorize(data, stepFor(data.orderId)));

  // The second run has seen the payment Requested; the saga's void lands just before it redeems again.
  const { payments } = servicesOn(store);
  let voided = false;
  const racing: EventStore = {
    readStream: async (streamId) => {
      if (streamId === couponStreamId(code) && !voided) {
        voided = true;
        await payments.void({ ...data, reason: 'payment_timeout' }, stepFor(data.orderId, 'void'));
      }
      return store.readStream(streamId);
    },
    appendToStream: (streamId, events, expected) => store.appendToStream(streamId, events, expected),
    readAll: (options) => store.readAll(options),
    ping: () => store.ping(),
    close: () => store.close(),
  };
  const rerun = createPaymentService({ store: racing, gateway: countingGateway(), clock: () => new Date() });
  const error = await rejectionOf(rerun.authorize(data, stepFor(data.orderId)));
  assert.ok(voided);
  assert.is((error as { rule?: string }).rule, 'payment_not_awaiting_authorization');
  assert.equal(await eventTypes(store, couponStreamId(code)), ['CouponCreated', 'CouponRedeemed', 'CouponRestored']);
  assert.equal(await eventTypes(store, pointsStreamId(customerId)), ['PointsGranted', 'PointsSpent', 'PointsRefunded']);
  assert.equal(await eventTypes(store, paymentStreamId(data.orderId)), ['PaymentRequested', 'PaymentVoided']);
});

test('a crash after the decline is recorded: the step again gives back what was spent, once', async ({ store }) => {
  const crashing = crashOnce(store, (_, events) => events.some((event) => event.type === 'PointsRefunded'));
  const customerId = await grantPoints(store, 1000);
  const code = await createCoupon(store, 500);
  const data = order(customerId, [cardPart(2000, 'tok_declined'), pointsPart(300), couponPart(400, code)]);
  const crashed = createPaymentService({ store: crashing, gateway: countingGateway(), clock: () => new Date() });
  await rejectionOf(crashed.authorize(data, stepFor(data.orderId)));
  assert.ok(crashing.crashed());
  assert.equal(await eventTypes(store, pointsStreamId(customerId)), ['PointsGranted', 'PointsSpent']);
  const { payments, gateway } = servicesOn(store);
  assert.equal(await payments.authorize(data, stepFor(data.orderId)), { outcome: 'declined', reason: 'declined' });
  await payments.authorize(data, stepFor(data.orderId));
  assert.equal(gateway.requests, [], 'a recorded decline is final: the gateway is not asked again');
  assert.equal(await eventTypes(store, pointsStreamId(customerId)), ['PointsGranted', 'PointsSpent', 'PointsRefunded']);
  assert.equal(await eventTypes(store, couponStreamId(code)), ['CouponCreated', 'CouponRedeemed', 'CouponRestored']);
});

test.run();

import { randomUUID } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { notificationsProjection } from '../projections/notifications/notifications-projection.ts';
import { envelopeOf } from '../projections/projector/testing/recorded-events.ts';
import { type RunningReadApi, startReadApi } from './read-api-harness.ts';

const context = { api: undefined as unknown as RunningReadApi };
const at = (second: number) => new Date(Date.UTC(2025, 0, 1, 10, 0, second)).toISOString();
const stock = { onHand: 10, available: 8 };

const one = suite('GET /sagas/:orderId', context);
one.before(async (ctx) => {
  ctx.api = await startReadApi();
});
one.after(async (ctx) => {
  await ctx.api.close();
});

one('a running saga: its current step, the step timeline, deadlines and last error', async ({ api }) => {
  const orderId = randomUUID();
  await api.seed.startSaga({ orderId, customerId: 'c-1', at: at(0) });
  await api.seed.sagaInput(
    orderId,
    { type: 'StepFailed', data: { stepId: 'reserve:sku-a#1', error: 'inventory timed out', transient: true } },
    at(2),
  );
  const answer = await api.get(`/sagas/${orderId}`);
  assert.is(answer.status, 200);
  const saga = answer.body;
  assert.is(saga.sagaId, `saga-${orderId}`);
  assert.is(saga.orderId, orderId);
  assert.is(saga.state, 'running');
  assert.is(saga.step, 'reserve:sku-a');
  assert.equal(saga.steps.length, 1);
  assert.equal(
    { ...saga.steps[0], detail: undefined },
    { name: 'reserve:sku-a', status: 'awaiting_retry', at: at(2), detail: undefined },
  );
  assert.match(saga.steps[0].detail, /^inventory timed out/);
  assert.is(saga.lastError, 'inventory timed out');
  assert.is(saga.startedAt, at(0));
  assert.is(saga.endedAt, undefined);
  assert.ok(Array.isArray(saga.deadlines));
  assert.ok(
    saga.deadlines.some((deadline: { name: string }) => deadline.name === 'retry'),
    'the retry is scheduled',
  );
});

one("the order's webhook deliveries follow the saga's steps in its timeline", async ({ api }) => {
  const orderId = randomUUID();
  await api.seed.startSaga({ orderId, customerId: 'c-1', at: at(0) });
  const client = await api.schema.pool.connect();
  try {
    await notificationsProjection().handle(
      client,
      envelopeOf({
        id: randomUUID(),
        streamId: 'notification-msg_t',
        version: 0,
        position: 1n,
        type: 'NotificationSent',
        data: {
          deliveryId: 'msg_t',
          subscriptionId: 'wh_t',
          orderId,
          eventType: 'order.confirmed',
          sourceEventId: randomUUID(),
          attempts: 3,
          lastStatus: 200,
          at: at(9),
        },
        metadata: { correlationId: orderId },
        recordedAt: new Date(at(9)),
      }),
    );
  } finally {
    client.release();
  }
  const answer = await api.get(`/sagas/${orderId}`);
  assert.is(answer.status, 200);
  assert.equal(answer.body.steps.at(-1), {
    name: 'notify:order.confirmed:wh_t',
    status: 'succeeded',
    at: at(9),
    detail: 'delivered after 3 attempts (HTTP 200)',
  });
});

one('a saga that ran to the end is completed with every step succeeded', async ({ api }) => {
  const orderId = randomUUID();
  await api.seed.startSaga({ orderId, customerId: 'c-1', at: at(0) });
  // As the runner does it: each scheduled step is acknowledged, then the aggregate's event arrives.
  const inputs: [string, unknown][] = [
    ['StepSucceeded', { stepId: 'reserve:sku-a#1' }],
    ['StockReserved', { sku: 'sku-a', orderId, quantity: 2, ...stock }],
    ['StepSucceeded', { stepId: 'authorize-payment#1' }],
    ['PaymentAuthorized', { orderId, authorizationId: 'auth-1', authorizedAt: at(2) }],
    ['StepSucceeded', { stepId: 'confirm-order#1' }],
    ['StepSucceeded', { stepId: 'commit:sku-a#1' }],
    ['StepSucceeded', { stepId: 'capture-payment#1' }],
    ['OrderConfirmed', { orderId, confirmedAt: at(3) }],
    ['ReservationCommitted', { sku: 'sku-a', orderId, quantity: 2, ...stock }],
    ['PaymentCaptured', { orderId, authorizationId: 'auth-1', amount: 3000, capturedAt: at(4) }],
  ];
  for (const [index, [type, data]] of inputs.entries()) {
    await api.seed.sagaInput(orderId, { type: type as 'StepSucceeded', data }, at(index + 1));
  }
  const answer = await api.get(`/sagas/${orderId}`);
  assert.is(answer.body.state, 'completed');
  assert.is(answer.body.endedAt, at(inputs.length));
  assert.equal(
    answer.body.steps.map((step: { name: string; status: string }) => `${step.name} ${step.status}`),
    [
      'reserve:sku-a succeeded',
      'authorize-payment succeeded',
      'confirm-order succeeded',
      'commit:sku-a succeeded',
      'capture-payment succeeded',
    ],
  );
  assert.equal(answer.body.deadlines, []);
});

one('404 problem for an order without a saga', async ({ api }) => {
  const answer = await api.get(`/sagas/${randomUUID()}`);
  assert.is(answer.status, 404);
  assert.is(answer.body.type, 'https://errors.orders.local/not_found');
});

one.run();

const list = suite('GET /sagas', context);
const seeded: string[] = [];
list.before(async (ctx) => {
  ctx.api = await startReadApi();
  for (let index = 0; index < 12; index += 1) {
    const orderId = `${String(index).padStart(2, '0')}-${randomUUID()}`;
    await ctx.api.seed.startSaga({ orderId, customerId: 'c-1', at: at(Math.floor(index / 3)) });
    if (index % 4 === 0) {
      await ctx.api.seed.sagaInput(
        orderId,
        { type: 'CompensationRequested', data: { reason: 'operator gave up' } },
        at(30),
      );
    }
    seeded.push(orderId);
  }
});
list.after(async (ctx) => {
  await ctx.api.close();
});

list('walks every page newest first, without duplicates or gaps', async ({ api }) => {
  const seen: { orderId: string; startedAt: string }[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const answer = await api.get(`/sagas?limit=5${cursor ? `&cursor=${cursor}` : ''}`);
    assert.is(answer.status, 200);
    seen.push(...answer.body.items);
    cursor = answer.body.nextCursor;
    pages += 1;
  } while (cursor && pages < 10);
  assert.is(pages, 3);
  const ids = seen.map((saga) => saga.orderId);
  assert.is(new Set(ids).size, 12);
  assert.equal([...ids].sort(), [...seeded].sort());
  const startedAt = seen.map((saga) => saga.startedAt);
  assert.equal(startedAt, [...startedAt].sort().reverse());
});

list('filters by state', async ({ api }) => {
  const running = await api.get('/sagas?state=running&limit=100');
  assert.is(running.body.items.length, 9);
  assert.ok(running.body.items.every((saga: { state: string }) => saga.state === 'running'));
  const compensating = await api.get('/sagas?state=compensating');
  assert.is(compensating.body.items.length, 3);
  assert.is(compensating.body.nextCursor, null);
});

list('refuses malformed parameters with 400', async ({ api }) => {
  for (const query of ['state=bogus', 'state=Running', 'limit=0', 'limit=101', 'limit=abc', 'cursor=%%%']) {
    const answer = await api.get(`/sagas?${query}`);
    assert.is(answer.status, 400, query);
    assert.is(answer.body.type, 'https://errors.orders.local/validation', query);
  }
  assert.equal(api.errorsLogged, []);
});

list.run();

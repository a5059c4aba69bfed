import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ConfirmOrder } from '../../domain/order/commands.ts';
import { orderDecider } from '../../domain/order/order-decider.ts';
import { uniqueName } from '../../test/support/names.ts';
import { handleCommand } from '../command-handler.ts';
import { type RunningCommandApi, readApiUrl, startCommandApi, tokenOf } from './command-api-harness.ts';

const registerSku = async (api: RunningCommandApi, unitPrice: number): Promise<string> => {
  const sku = uniqueName('sku');
  const answer = await api.post('/inventory', { sku, name: sku, unitPrice, initialStock: 100 });
  assert.is(answer.status, 201);
  return sku;
};

const card = (amount: number) => ({ method: 'card', amount, token: 'tok_ok' });

const ruleOf = (answer: { body: { type?: string } }) => answer.body.type?.replace('https://errors.orders.local/', '');

const context = { api: undefined as unknown as RunningCommandApi };

const place = suite('POST /orders', context);
place.before(async (ctx) => {
  ctx.api = await startCommandApi();
});
place.after(async (ctx) => {
  await ctx.api.close();
});

place('202 pending, Location on the read API, consistency token; lines priced from the inventory', async ({ api }) => {
  const mug = await registerSku(api, 1_250);
  const tea = await registerSku(api, 400);
  const customerId = uniqueName('customer');
  const answer = await api.post('/orders', {
    customerId,
    items: [
      { sku: mug, quantity: 2 },
      { sku: tea, quantity: 1 },
    ],
    payment: [card(2_900)],
  });
  assert.is(answer.status, 202);
  const { orderId } = answer.body;
  assert.equal(answer.body, { orderId, status: 'pending' });
  assert.is(answer.headers.get('location'), `${readApiUrl}/orders/${orderId}`);

  const [placed] = await api.store.readStream(`order-${orderId}`);
  assert.is(placed?.type, 'OrderPlaced');
  assert.is(answer.headers.get('x-consistency-token'), tokenOf(placed));
  const data = placed?.data as { customerId: string; total: number; lines: unknown[] };
  assert.is(data.customerId, customerId);
  assert.is(data.total, 2_900);
  assert.equal(data.lines, [
    { sku: mug, quantity: 2, unitPrice: 1_250 },
    { sku: tea, quantity: 1, unitPrice: 400 },
  ]);
  assert.is(placed?.metadata.correlationId, orderId);
  assert.match(placed?.metadata.requestHash ?? '', /^[0-9a-f]{64}$/);
  assert.match(placed?.metadata.traceparent ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
});

place('points and a coupon combined with a card are accepted when the accounts cover them', async ({ api }) => {
  const sku = await registerSku(api, 3_000);
  const customerId = uniqueName('customer');
  const code = uniqueName('SAVE');
  assert.is((await api.post(`/customers/${customerId}/points`, { amount: 1_000 })).status, 202);
  assert.is((await api.post('/coupons', { code, amount: 500 })).status, 201);
  const answer = await api.post('/orders', {
    customerId,
    items: [{ sku, quantity: 1 }],
    payment: [card(1_500), { method: 'points', amount: 1_000 }, { method: 'coupon', amount: 500, couponCode: code }],
  });
  assert.is(answer.status, 202);
});

place('422 unknown_sku naming the SKU', async ({ api }) => {
  const known = await registerSku(api, 100);
  const unknown = uniqueName('ghost');
  const answer = await api.post('/orders', {
    customerId: uniqueName('customer'),
    items: [
      { sku: known, quantity: 1 },
      { sku: unknown, quantity: 1 },
    ],
    payment: [card(200)],
  });
  assert.is(answer.status, 422);
  assert.is(answer.headers.get('content-type'), 'application/problem+json');
  assert.is(ruleOf(answer), 'unknown_sku');
  assert.match(answer.body.detail, unknown);
  assert.match(answer.body.detail, 'unknown_sku');
});

place('422 for each broken payment rule, naming it', async ({ api }) => {
  const sku = await registerSku(api, 1_000);
  const customerId = uniqueName('customer');
  await api.post(`/customers/${customerId}/points`, { amount: 100 });
  const code = uniqueName('SAVE');
  await api.post('/coupons', { code, amount: 1_000 });
  const order = (payment: unknown[], quantity = 2) => ({ customerId, items: [{ sku, quantity }], payment });

  const cases: [string, unknown][] = [
    ['bnpl_minimum_total', order([{ method: 'bnpl', amount: 2_000, token: 'tok_ok' }])],
    ['coupon_cannot_pay_alone', order([{ method: 'coupon', amount: 1_000, couponCode: code }], 1)],
    ['points_exceed_balance', order([card(1_700), { method: 'points', amount: 300 }])],
    ['payment_total_mismatch', order([card(1_999)])],
    ['coupon_unknown', order([card(1_000), { method: 'coupon', amount: 1_000, couponCode: uniqueName('NONE') }])],
  ];
  for (const [rule, body] of cases) {
    const answer = await api.post('/orders', body);
    assert.is(answer.status, 422, rule);
    assert.is(ruleOf(answer), rule);
    assert.match(answer.body.detail, rule);
    assert.is(answer.body.title, 'Unprocessable Entity');
  }
});

place('400 with field errors for a malformed order', async ({ api }) => {
  const answer = await api.post('/orders', {
    customerId: 'c'.repeat(65),
    items: [{ sku: 7, quantity: 1.5 }],
    payment: [{ method: 3, amount: '10' }],
  });
  assert.is(answer.status, 400);
  assert.equal(answer.body.errors, [
    { field: 'customerId', message: 'must be at most 64 characters' },
    { field: 'items[0].sku', message: 'must be a non-empty string' },
    { field: 'items[0].quantity', message: 'must be an integer' },
    { field: 'payment[0].method', message: 'must be a non-empty string' },
    { field: 'payment[0].amount', message: 'must be an integer' },
  ]);
  const notArrays = await api.post('/orders', { customerId: 'c1', items: {}, payment: 'card' });
  assert.equal(
    notArrays.body.errors.map((error: { field: string }) => error.field),
    ['items', 'payment'],
  );
});

place('400 from the domain for values out of range (no lines, quantity 0, unknown method)', async ({ api }) => {
  const sku = await registerSku(api, 100);
  const empty = await api.post('/orders', { customerId: 'c1', items: [], payment: [card(0)] });
  assert.is(empty.status, 400);
  assert.ok(empty.body.errors.some((error: { field: string }) => error.field === 'items'));
  const ranges = await api.post('/orders', {
    customerId: 'c1',
    items: [{ sku, quantity: 0 }],
    payment: [{ method: 'cash', amount: 100 }],
  });
  assert.is(ranges.status, 400);
  assert.equal(
    ranges.body.errors.map((error: { field: string }) => error.field),
    ['items[0].quantity', 'payment[0].method'],
  );
});

const idempotency = suite('POST /orders with Idempotency-Key', context);
idempotency.before(async (ctx) => {
  ctx.api = await startCommandApi();
});
idempotency.after(async (ctx) => {
  await ctx.api.close();
});

idempotency('the same key and body again give the same answer and no second order', async ({ api }) => {
  const sku = await registerSku(api, 700);
  const key = uniqueName('key');
  const body = { customerId: uniqueName('customer'), items: [{ sku, quantity: 3 }], payment: [card(2_100)] };
  const first = await api.post('/orders', body, { 'idempotency-key': key });
  assert.is(first.status, 202);
  // Same request with its keys in another order: still the same request.
  const reordered = {
    payment: [{ token: 'tok_ok', amount: 2_100, method: 'card' }],
    items: body.items,
    customerId: body.customerId,
  };
  const second = await api.post('/orders', reordered, { 'idempotency-key': key });
  assert.is(second.status, 202);
  assert.equal(second.body, first.body);
  assert.is(second.headers.get('location'), first.headers.get('location'));
  assert.is(second.headers.get('x-consistency-token'), first.headers.get('x-consistency-token'));
  assert.is((await api.store.readStream(`order-${first.body.orderId}`)).length, 1);
});

idempotency('the same key with another body is refused with idempotency_key_reused', async ({ api }) => {
  const sku = await registerSku(api, 700);
  const key = uniqueName('key');
  const customerId = uniqueName('customer');
  const first = await api.post(
    '/orders',
    { customerId, items: [{ sku, quantity: 1 }], payment: [card(700)] },
    { 'idempotency-key': key },
  );
  assert.is(first.status, 202);
  const other = await api.post(
    '/orders',
    { customerId, items: [{ sku, quantity: 2 }], payment: [card(1_400)] },
    { 'idempotency-key': key },
  );
  assert.is(other.status, 422);
  assert.is(ruleOf(other), 'idempotency_key_reused');
  const events = await api.store.readStream(`order-${first.body.orderId}`);
  assert.is(events.length, 1);
  assert.is((events[0]!.data as { total: number }).total, 700);
});

idempotency('concurrent requests with one key place one order', async ({ api }) => {
  const sku = await registerSku(api, 50);
  const key = uniqueName('key');
  const body = { customerId: uniqueName('customer'), items: [{ sku, quantity: 1 }], payment: [card(50)] };
  const answers = await Promise.all([1, 2, 3, 4].map(() => api.post('/orders', body, { 'idempotency-key': key })));
  assert.equal(
    answers.map((answer) => answer.status),
    [202, 202, 202, 202],
  );
  assert.is(new Set(answers.map((answer) => answer.body.orderId)).size, 1);
  assert.is((await api.store.readStream(`order-${answers[0]?.body.orderId}`)).length, 1);
});

idempotency('without a key, the same body places two orders', async ({ api }) => {
  const sku = await registerSku(api, 50);
  const body = { customerId: uniqueName('customer'), items: [{ sku, quantity: 1 }], payment: [card(50)] };
  const first = await api.post('/orders', body);
  const second = await api.post('/orders', body);
  assert.is(first.status, 202);
  assert.is(second.status, 202);
  assert.is.not(first.body.orderId, second.body.orderId);
});

idempotency('400 for an unusable key', async ({ api }) => {
  const answer = await api.post('/orders', {}, { 'idempotency-key': 'k'.repeat(201) });
  assert.is(answer.status, 400);
});

const cancel = suite('POST /orders/:id/cancel', context);
cancel.before(async (ctx) => {
  ctx.api = await startCommandApi();
});
cancel.after(async (ctx) => {
  await ctx.api.close();
});

const placeOrder = async (api: RunningCommandApi): Promise<string> => {
  const sku = await registerSku(api, 100);
  const answer = await api.post('/orders', {
    customerId: uniqueName('customer'),
    items: [{ sku, quantity: 1 }],
    payment: [card(100)],
  });
  assert.is(answer.status, 202);
  return answer.body.orderId;
};

cancel('202 for a pending order: reason customer_request, the free text kept as a note', async ({ api }) => {
  const orderId = await placeOrder(api);
  const answer = await api.post(`/orders/${orderId}/cancel`, { reason: 'ordered the wrong size' });
  assert.is(answer.status, 202);
  assert.equal(answer.body, { orderId, status: 'cancelled', previousStatus: 'pending' });
  const events = await api.store.readStream(`order-${orderId}`);
  const cancelled = events[1];
  assert.is(cancelled?.type, 'OrderCancelled');
  assert.is((cancelled!.data as { reason: string }).reason, 'customer_request');
  assert.is(cancelled?.metadata.note, 'ordered the wrong size');
  assert.is(cancelled?.metadata.correlationId, orderId);
  assert.is(answer.headers.get('x-consistency-token'), tokenOf(cancelled));
});

cancel('202 without a body', async ({ api }) => {
  const orderId = await placeOrder(api);
  const answer = await api.post(`/orders/${orderId}/cancel`);
  assert.is(answer.status, 202);
  const events = await api.store.readStream(`order-${orderId}`);
  assert.is(events[1]?.metadata.note, undefined);
});

cancel('404 for an unknown order', async ({ api }) => {
  const answer = await api.post(`/orders/${crypto.randomUUID()}/cancel`, {});
  assert.is(answer.status, 404);
  assert.is(ruleOf(answer), 'not_found');
});

cancel('422 order_already_cancelled the second time', async ({ api }) => {
  const orderId = await placeOrder(api);
  assert.is((await api.post(`/orders/${orderId}/cancel`, {})).status, 202);
  const again = await api.post(`/orders/${orderId}/cancel`, {});
  assert.is(again.status, 422);
  assert.is(ruleOf(again), 'order_already_cancelled');
  assert.is((await api.store.readStream(`order-${orderId}`)).length, 2);
});

cancel('422 cancellation_window_passed for an order confirmed more than 24 hours ago', async ({ api }) => {
  const orderId = await placeOrder(api);
  const confirmedAt = new Date();
  const confirm: ConfirmOrder = {
    type: 'ConfirmOrder',
    data: { orderId },
    metadata: { commandId: crypto.randomUUID(), now: confirmedAt.toISOString() },
  };
  await handleCommand({ store: api.store, decider: orderDecider, streamId: `order-${orderId}`, command: confirm });
  api.setNow(new Date(confirmedAt.getTime() + 25 * 60 * 60 * 1000));
  try {
    const late = await api.post(`/orders/${orderId}/cancel`, {});
    assert.is(late.status, 422);
    assert.is(ruleOf(late), 'cancellation_window_passed');
  } finally {
    api.setNow(new Date());
  }
});

cancel('400 for a reason that is not a string', async ({ api }) => {
  const orderId = await placeOrder(api);
  const answer = await api.post(`/orders/${orderId}/cancel`, { reason: 42 });
  assert.is(answer.status, 400);
  assert.equal(answer.body.errors, [{ field: 'reason', message: 'must be a non-empty string' }]);
});

place.run();
idempotency.run();
cancel.run();

import { randomUUID } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { uniqueName } from '../../test/support/names.ts';
import { type RunningCommandApi, startCommandApi } from './command-api-harness.ts';

/** The read routes for what only the event store holds: payments with history, points, coupons. */
const context = { api: undefined as unknown as RunningCommandApi };
const reads = suite('GET /payments/:orderId, /customers/:id/points, /coupons/:code', context);
reads.before(async (ctx) => {
  ctx.api = await startCommandApi();
});
reads.after(async (ctx) => {
  await ctx.api.close();
});

const at = '2026-12-03T10:00:00.000Z';

/** A payment as the saga leaves it: requested (with a sealed gateway token), authorized, captured. */
const storePayment = async (api: RunningCommandApi, orderId: string, customerId: string) => {
  const parts = [
    { method: 'card', amount: 700, token: 'sealed:v1:a.b.c' },
    { method: 'points', amount: 300 },
  ];
  await api.store.appendToStream(
    `payment-${orderId}`,
    [
      {
        id: randomUUID(),
        type: 'PaymentRequested',
        data: { orderId, customerId, parts, total: 1_000, requestedAt: at },
      },
      { id: randomUUID(), type: 'PaymentAuthorized', data: { orderId, authorizationId: 'auth-1', authorizedAt: at } },
      {
        id: randomUUID(),
        type: 'PaymentCaptured',
        data: { orderId, authorizationId: 'auth-1', amount: 700, capturedAt: at },
      },
    ],
    'no_stream',
  );
};

reads(
  'a payment: parts without tokens, status, history; a customer sees their own, another gets 404',
  async ({ api }) => {
    const orderId = randomUUID();
    const owner = uniqueName('owner');
    await storePayment(api, orderId, owner);
    const answer = await api.get(`/payments/${orderId}`);
    assert.is(answer.status, 200);
    assert.equal(
      { ...answer.body, history: answer.body.history.map((step: { status: string }) => step.status) },
      {
        orderId,
        customerId: owner,
        status: 'captured',
        total: 1_000,
        parts: [
          { method: 'card', amount: 700 },
          { method: 'points', amount: 300 },
        ],
        history: ['requested', 'authorized', 'captured'],
        version: 2,
      },
    );
    assert.is(answer.body.history[2].amount, 700);
    assert.not.match(JSON.stringify(answer.body), /sealed|token/);
    const own = await api.send(`/payments/${orderId}`, { headers: await api.tokens.bearer('customer', owner) });
    assert.is(own.status, 200);
    const other = await api.send(`/payments/${orderId}`, { headers: await api.tokens.bearer('customer', 'someone') });
    assert.is(other.status, 404);
    assert.is((await api.get(`/payments/${randomUUID()}`)).status, 404);
  },
);

reads('points: balance and movements; none yet is 0; a customer reads their own only', async ({ api }) => {
  const customerId = uniqueName('points');
  const empty = await api.get(`/customers/${customerId}/points`);
  assert.equal(empty.body, { customerId, balance: 0, movements: [] });
  assert.is((await api.post(`/customers/${customerId}/points`, { amount: 40 })).status, 202);
  assert.is((await api.post(`/customers/${customerId}/points`, { amount: 2 })).status, 202);
  const own = await api.send(`/customers/${customerId}/points`, {
    headers: await api.tokens.bearer('customer', customerId),
  });
  assert.is(own.status, 200);
  assert.is(own.body.balance, 42);
  assert.equal(
    own.body.movements.map((m: { kind: string; amount: number; balance: number }) => [m.kind, m.amount, m.balance]),
    [
      ['granted', 40, 40],
      ['granted', 2, 42],
    ],
  );
  const other = await api.send(`/customers/${customerId}/points`, {
    headers: await api.tokens.bearer('customer', 'someone'),
  });
  assert.is(other.status, 403);
});

reads('a coupon: available, then redeemed by the order that used it; unknown is 404', async ({ api }) => {
  const code = uniqueName('CODE');
  assert.is((await api.post('/coupons', { code, amount: 200 })).status, 201);
  assert.equal((await api.get(`/coupons/${code}`)).body, { code, amount: 200, status: 'available', version: 0 });
  const sku = uniqueName('sku');
  assert.is((await api.post('/inventory', { sku, name: 'Mug', unitPrice: 1_000, initialStock: 5 })).status, 201);
  const placed = await api.post('/orders', {
    customerId: 'c1',
    items: [{ sku, quantity: 1 }],
    payment: [
      { method: 'card', amount: 800, token: 'tok_ok' },
      { method: 'coupon', amount: 200, couponCode: code },
    ],
  });
  assert.is(placed.status, 202);
  // The saga redeems it; here the redemption is written as the saga's payment step would.
  await api.store.appendToStream(
    `coupon-${code}`,
    [{ id: randomUUID(), type: 'CouponRedeemed', data: { code, orderId: placed.body.orderId, amount: 200 } }],
    0,
  );
  const redeemed = await api.get(`/coupons/${code}`);
  assert.equal(redeemed.body, {
    code,
    amount: 200,
    status: 'redeemed',
    redeemedByOrderId: placed.body.orderId,
    version: 1,
  });
  assert.is((await api.get(`/coupons/${uniqueName('NONE')}`)).status, 404);
  assert.is((await api.send(`/coupons/${code}`, { headers: await api.tokens.bearer('customer', 'c1') })).status, 403);
});

reads.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { unseal } from '../../platform/data-key.ts';
import { uniqueName } from '../../test/support/names.ts';
import { type RunningCommandApi, startCommandApi } from './command-api-harness.ts';

/**
 * Issue 13 items 6 to 8 on the command API: orders rate-limited per subject, security headers, idempotency
 * keys per subject, unguessable order ids, card tokens sealed in events, and who did it in the metadata.
 */
const context = { api: undefined as unknown as RunningCommandApi, sku: '' };
const protection = suite('orders: limits, keys, ids, sealed tokens, audit trail', context);
protection.before(async (ctx) => {
  ctx.api = await startCommandApi({ orderRateLimitPerMinute: 3 });
  ctx.sku = uniqueName('sku');
  assert.is(
    (await ctx.api.post('/inventory', { sku: ctx.sku, name: 'Mug', unitPrice: 100, initialStock: 1_000 })).status,
    201,
  );
});
protection.after(async (ctx) => {
  await ctx.api.close();
});

const order = (sku: string, token = 'tok_ok') => ({
  items: [{ sku, quantity: 1 }],
  payment: [{ method: 'card', amount: 100, token }],
});

protection(
  'the fourth order a minute from one subject is 429 with Retry-After; another subject still orders',
  async ({ api, sku }) => {
    const alice = await api.tokens.bearer('customer', uniqueName('alice'));
    for (let i = 0; i < 3; i++) assert.is((await api.post('/orders', order(sku), alice)).status, 202);
    const refused = await api.post('/orders', order(sku), alice);
    assert.is(refused.status, 429);
    assert.is(refused.headers.get('content-type'), 'application/problem+json');
    assert.is(refused.body.type, 'https://errors.orders.local/rate_limited');
    assert.ok(Number(refused.headers.get('retry-after')) >= 1, `Retry-After ${refused.headers.get('retry-after')}`);
    assert.is(
      (await api.post('/orders', order(sku), await api.tokens.bearer('customer', uniqueName('bob')))).status,
      202,
    );
    api.setNow(new Date(Date.now() + 60_000));
    assert.is((await api.post('/orders', order(sku), alice)).status, 202, 'tokens come back with time');
    api.setNow(new Date());
  },
);

protection(
  "an Idempotency-Key is the caller's own: the same key from two customers makes two orders",
  async ({ api, sku }) => {
    const key = { 'Idempotency-Key': uniqueName('key') };
    const carol = await api.tokens.bearer('customer', uniqueName('carol'));
    const dave = await api.tokens.bearer('customer', uniqueName('dave'));
    const first = await api.post('/orders', order(sku), { ...carol, ...key });
    const repeat = await api.post('/orders', order(sku), { ...carol, ...key });
    const other = await api.post('/orders', order(sku), { ...dave, ...key });
    assert.is(first.status, 202);
    assert.is(repeat.body.orderId, first.body.orderId, 'a retry by the same customer gets the same order');
    assert.is(other.status, 202, 'no 422 idempotency_key_reused across customers');
    assert.is.not(other.body.orderId, first.body.orderId);
    assert.match(first.body.orderId, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  },
);

protection(
  'the card token is sealed in the event; the actor is in the metadata of every event a request causes',
  async ({ api, sku }) => {
    const erin = uniqueName('erin');
    const placed = await api.post('/orders', order(sku, 'tok_ok'), await api.tokens.bearer('customer', erin));
    const [event] = await api.store.readStream(`order-${placed.body.orderId}`);
    const stored = JSON.stringify(event?.data);
    assert.not.match(stored, /tok_ok/);
    const token = (event?.data as { payment?: { token: string }[] } | undefined)?.payment?.[0]?.token ?? '';
    assert.match(token, /^sealed:v1:/);
    assert.is(unseal(api.dataKey, token), 'tok_ok');
    assert.is(event?.metadata.actorSubject, erin);
    assert.is(event?.metadata.actorRole, 'customer');

    const grant = await api.post(
      `/customers/${erin}/points`,
      { amount: 5 },
      await api.tokens.bearer('operator', 'frank'),
    );
    assert.is(grant.status, 202);
    const [granted] = await api.store.readStream(`points-${erin}`);
    assert.equal([granted?.metadata.actorSubject, granted?.metadata.actorRole], ['frank', 'operator']);
  },
);

protection('security headers on answers and refusals alike', async ({ api }) => {
  for (const answer of [await api.get('/health'), await api.post('/coupons', {}, { authorization: '' })]) {
    assert.is(answer.headers.get('x-content-type-options'), 'nosniff');
    assert.is(answer.headers.get('x-frame-options'), 'DENY');
    assert.match(answer.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.is(answer.headers.get('referrer-policy'), 'no-referrer');
    assert.is(answer.headers.get('cache-control'), 'no-store');
  }
});

protection.run();

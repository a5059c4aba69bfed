import { randomUUID } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type RunningReadApi, startReadApi } from './read-api-harness.ts';

const context = { api: undefined as unknown as RunningReadApi };
const at = (second: number) => new Date(Date.UTC(2025, 0, 1, 10, 0, second)).toISOString();

const one = suite('GET /orders/:id', context);
one.before(async (ctx) => {
  ctx.api = await startReadApi();
});
one.after(async (ctx) => {
  await ctx.api.close();
});

one('answers the projected order with its lines, total, payment and version', async ({ api }) => {
  const orderId = randomUUID();
  const lines = [
    { sku: 'sku-a', quantity: 2, unitPrice: 1500 },
    { sku: 'sku-b', quantity: 1, unitPrice: 2000 },
  ];
  await api.seed.placeOrder({ orderId, customerId: 'c-1', at: at(0), lines });
  await api.seed.confirmOrder(orderId, at(5));
  const answer = await api.get(`/orders/${orderId}`);
  assert.is(answer.status, 200);
  assert.equal(answer.body, {
    orderId,
    customerId: 'c-1',
    status: 'confirmed',
    items: lines,
    total: 5000,
    payment: [{ method: 'card', amount: 5000 }],
    createdAt: at(0),
    updatedAt: at(5),
    version: 1,
  });
});

one('a cancelled order names the reason', async ({ api }) => {
  const orderId = randomUUID();
  await api.seed.placeOrder({ orderId, customerId: 'c-1', at: at(0) });
  await api.seed.cancelOrder(orderId, at(3));
  const answer = await api.get(`/orders/${orderId}`);
  assert.is(answer.body.status, 'cancelled');
  assert.is(answer.body.cancellationReason, 'customer_request');
});

one('404 problem for an order the read model does not hold', async ({ api }) => {
  const answer = await api.get(`/orders/${randomUUID()}`);
  assert.is(answer.status, 404);
  assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.is(answer.body.type, 'https://errors.orders.local/not_found');
  assert.is(answer.body.status, 404);
  assert.type(answer.body.detail, 'string');
});

one('an order id of more than 200 characters is a 400, not a lookup', async ({ api }) => {
  const answer = await api.get(`/orders/${'x'.repeat(201)}`);
  assert.is(answer.status, 400);
  assert.equal(answer.body.errors, [{ field: 'id', message: 'must be 1 to 200 characters' }]);
});

one('a NUL byte in the id or a filter is a 400, never a database error', async ({ api }) => {
  assert.is((await api.get('/orders/o%00')).status, 400);
  assert.is((await api.get('/orders?customerId=c%00')).status, 400);
  assert.equal(api.errorsLogged, []);
});

one('a malformed percent-encoding in the path is looked up as it is: a 404, not a 500', async ({ api }) => {
  const answer = await api.get('/orders/%E0%A4%A');
  assert.is(answer.status, 404);
  assert.is(answer.body.type, 'https://errors.orders.local/not_found');
});

one('other methods are 405 with Allow, unknown paths 404 problems', async ({ api }) => {
  const post = await fetch(`${api.url}/orders/${randomUUID()}`, { method: 'POST' });
  assert.is(post.status, 405);
  assert.match(post.headers.get('allow') ?? '', /GET/);
  const unknown = await api.get('/nothing-here');
  assert.is(unknown.status, 404);
  assert.is(unknown.body.type, 'https://errors.orders.local/route_not_found');
});

one.run();

const list = suite('GET /orders', context);
const customer = 'c-walk';
const seeded: string[] = [];
list.before(async (ctx) => {
  ctx.api = await startReadApi();
  // 45 orders of one customer; every third pair shares its creation instant, to test the tie-break.
  for (let index = 0; index < 45; index += 1) {
    const orderId = `o-${String(index).padStart(3, '0')}-${randomUUID().slice(0, 8)}`;
    await ctx.api.seed.placeOrder({ orderId, customerId: customer, at: at(Math.floor(index / 2)) });
    if (index % 3 === 0) await ctx.api.seed.confirmOrder(orderId, at(40));
    seeded.push(orderId);
  }
  await ctx.api.seed.placeOrder({ orderId: randomUUID(), customerId: 'c-other', at: at(1) });
});
list.after(async (ctx) => {
  await ctx.api.close();
});

list('walks every page of a customer newest first, without duplicates or gaps', async ({ api }) => {
  const seen: { orderId: string; createdAt: string }[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const answer = await api.get(`/orders?customerId=${customer}&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
    assert.is(answer.status, 200);
    assert.ok(answer.body.items.length <= 7);
    seen.push(...answer.body.items);
    cursor = answer.body.nextCursor;
    pages += 1;
  } while (cursor && pages < 20);
  assert.is(pages, 7);
  const ids = seen.map((order) => order.orderId);
  assert.is(new Set(ids).size, ids.length, 'no duplicates');
  assert.equal([...ids].sort(), [...seeded].sort(), 'no gaps');
  const createdAt = seen.map((order) => order.createdAt);
  assert.equal(createdAt, [...createdAt].sort().reverse(), 'newest first');
});

list('filters by status (with the customer), and the last page says nextCursor null', async ({ api }) => {
  const answer = await api.get(`/orders?customerId=${customer}&status=confirmed&limit=100`);
  assert.is(answer.status, 200);
  assert.is(answer.body.items.length, 15);
  assert.ok(answer.body.items.every((order: { status: string }) => order.status === 'confirmed'));
  assert.is(answer.body.nextCursor, null);
});

list('20 items by default, at most 100', async ({ api }) => {
  const first = await api.get('/orders');
  assert.is(first.body.items.length, 20);
  assert.type(first.body.nextCursor, 'string');
  const all = await api.get('/orders?limit=100');
  assert.is(all.body.items.length, 46);
  assert.is(all.body.nextCursor, null);
});

list('refuses malformed parameters with 400 and names each field', async ({ api }) => {
  const cases: [string, string][] = [
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=-1', 'limit'],
    ['limit=2.5', 'limit'],
    ['status=bogus', 'status'],
    ['status=pending&status=confirmed', 'status'],
    ['customerId=', 'customerId'],
    ['cursor=not-a-cursor', 'cursor'],
    [`cursor=${Buffer.from('["2025-01-01", 3]').toString('base64url')}`, 'cursor'],
  ];
  for (const [query, field] of cases) {
    const answer = await api.get(`/orders?${query}`);
    assert.is(answer.status, 400, query);
    assert.is(answer.body.type, 'https://errors.orders.local/validation', query);
    assert.equal(
      answer.body.errors.map((error: { field: string }) => error.field),
      [field],
      query,
    );
  }
  const several = await api.get('/orders?limit=0&status=bogus');
  assert.equal(several.body.errors.map((error: { field: string }) => error.field).sort(), ['limit', 'status']);
  assert.equal(api.errorsLogged, [], 'no client mistake is logged as a server error');
});

list.run();

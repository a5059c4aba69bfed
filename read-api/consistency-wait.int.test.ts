import { randomUUID } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { orderStreamId, pointsStreamId } from '../domain/streams.ts';
import { encodeConsistencyToken } from '../schemas/consistency-token.ts';
import { type RunningReadApi, startReadApi } from './read-api-harness.ts';

const waitMs = 600;
const placedAt = '2025-01-01T10:00:00.000Z';
const token = (streamId: string, version: number) => ({
  'X-Consistency-Token': encodeConsistencyToken({ streamId, version }),
});

const wait = suite('X-Consistency-Token', { api: undefined as unknown as RunningReadApi });
wait.before(async (ctx) => {
  ctx.api = await startReadApi({ consistencyWaitMs: waitMs });
});
wait.after(async (ctx) => {
  await ctx.api.close();
});

wait('a version the read model reaches during the wait gets the fresh answer', async ({ api }) => {
  const orderId = randomUUID();
  await api.seed.placeOrder({ orderId, customerId: 'c-1', at: placedAt });
  const confirmation = api.seed.stageConfirmOrder(orderId, '2025-01-01T10:00:05.000Z');
  const started = Date.now();
  const query = api.get(`/orders/${orderId}`, token(orderStreamId(orderId), confirmation.version));
  setTimeout(() => void confirmation.project().then(() => api.publishChange()), 150);
  const answer = await query;
  assert.is(answer.status, 200);
  assert.is(answer.body.status, 'confirmed');
  assert.is(answer.body.version, confirmation.version);
  assert.is(answer.headers.get('x-consistency-stale'), null);
  assert.ok(Date.now() - started < waitMs, 'answered as soon as the row was there');
});

wait('an order the read model does not hold yet is found once it arrives, not a 404', async ({ api }) => {
  const orderId = randomUUID();
  const query = api.get(`/orders/${orderId}`, token(orderStreamId(orderId), 0));
  setTimeout(() => void api.seed.placeOrder({ orderId, customerId: 'c-1', at: placedAt }), 100);
  const answer = await query;
  assert.is(answer.status, 200);
  assert.is(answer.body.status, 'pending');
});

wait('a version never reached: the data it has, after about the wait, marked stale', async ({ api }) => {
  const orderId = randomUUID();
  await api.seed.placeOrder({ orderId, customerId: 'c-1', at: placedAt });
  const started = Date.now();
  const answer = await api.get(`/orders/${orderId}`, token(orderStreamId(orderId), 5));
  const elapsed = Date.now() - started;
  assert.is(answer.status, 200);
  assert.is(answer.body.status, 'pending');
  assert.is(answer.headers.get('x-consistency-stale'), 'true');
  assert.ok(elapsed >= waitMs - 20 && elapsed < waitMs + 1_000, `waited ${elapsed} ms`);
});

wait('lists wait too, and a 404 after a vain wait is still a 404, marked stale', async ({ api }) => {
  const orderId = randomUUID();
  const list = await api.get(`/orders?customerId=${orderId}`, token(orderStreamId(orderId), 0));
  assert.is(list.status, 200);
  assert.equal(list.body.items, []);
  assert.is(list.headers.get('x-consistency-stale'), 'true');
  const missing = await api.get(`/orders/${orderId}`, token(orderStreamId(orderId), 0));
  assert.is(missing.status, 404);
  assert.is(missing.headers.get('x-consistency-stale'), 'true');
});

wait('a version already reflected answers at once, unmarked', async ({ api }) => {
  const orderId = randomUUID();
  const version = await api.seed.placeOrder({ orderId, customerId: 'c-1', at: placedAt });
  const started = Date.now();
  const answer = await api.get(`/orders/${orderId}`, token(orderStreamId(orderId), version));
  assert.is(answer.status, 200);
  assert.is(answer.headers.get('x-consistency-stale'), null);
  assert.ok(Date.now() - started < waitMs / 2);
});

wait('a token for a stream no read model shows (points) waits for nothing', async ({ api }) => {
  const started = Date.now();
  const answer = await api.get('/orders?limit=1', token(pointsStreamId('c-1'), 3));
  assert.is(answer.status, 200);
  assert.is(answer.headers.get('x-consistency-stale'), null);
  assert.ok(Date.now() - started < waitMs / 2);
});

wait('a token that does not decode is a 400 naming the header', async ({ api }) => {
  for (const bad of ['12345?', Buffer.from('order-1@x').toString('base64url'), '42']) {
    const answer = await api.get('/orders', { 'X-Consistency-Token': bad });
    assert.is(answer.status, 400, bad);
    assert.equal(answer.body.errors, [
      { field: 'X-Consistency-Token', message: 'must be a token from a command answer' },
    ]);
  }
});

wait.run();

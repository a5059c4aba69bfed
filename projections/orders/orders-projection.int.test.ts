import * as assert from 'uvu/assert';
import type { RecordedEvent } from '../../commands/event-store/event-store.ts';
import { isDomainError } from '../../domain/errors.ts';
import { readModelSuite } from '../projector/testing/read-model-suite.ts';
import { envelopeOf, recordedEvent } from '../projector/testing/recorded-events.ts';
import { getOrder, listOrders, orderVersion } from './order-queries.ts';
import { ordersProjection } from './orders-projection.ts';

const { test, apply } = readModelSuite('orders read model', 'orders', ordersProjection(), { inTransaction: true });

const placed = (orderId: string, customerId: string, placedAt: string) =>
  recordedEvent(`order-${orderId}`, 0, 'OrderPlaced', {
    orderId,
    customerId,
    lines: [
      { sku: 'sku-a', quantity: 2, unitPrice: 1500 },
      { sku: 'sku-b', quantity: 1, unitPrice: 700 },
    ],
    total: 3700,
    currency: 'EUR',
    payment: [
      { method: 'card', amount: 3200, token: 'tok_ok' },
      { method: 'coupon', amount: 500, couponCode: 'SAVE5' },
    ],
    placedAt,
  });

const confirmed = (orderId: string, confirmedAt: string) =>
  recordedEvent(`order-${orderId}`, 1, 'OrderConfirmed', { orderId, confirmedAt });

const cancelled = (orderId: string, version: number, cancelledAt: string, previousStatus = 'pending') =>
  recordedEvent(`order-${orderId}`, version, 'OrderCancelled', {
    orderId,
    reason: 'customer_request',
    previousStatus,
    requestedBy: 'c1',
    cancelledAt,
  });

test('an order row has the shape GET /orders/:id returns, without gateway tokens', async ({ db }) => {
  await apply(db, [placed('o1', 'c1', '2024-05-01T10:00:00.000Z'), confirmed('o1', '2024-05-01T10:00:02.000Z')]);
  assert.equal(await getOrder(db.pool, 'o1'), {
    orderId: 'o1',
    customerId: 'c1',
    status: 'confirmed',
    items: [
      { sku: 'sku-a', quantity: 2, unitPrice: 1500 },
      { sku: 'sku-b', quantity: 1, unitPrice: 700 },
    ],
    total: 3700,
    payment: [
      { method: 'card', amount: 3200 },
      { method: 'coupon', amount: 500, couponCode: 'SAVE5' },
    ],
    createdAt: '2024-05-01T10:00:00.000Z',
    updatedAt: '2024-05-01T10:00:02.000Z',
    version: 1,
  });
  assert.is(await getOrder(db.pool, 'nope'), undefined);
  assert.is(await orderVersion(db.pool, 'o1'), 1);
  assert.is(await orderVersion(db.pool, 'nope'), undefined);
});

test('older and equal versions are ignored', async ({ db }) => {
  const place = placed('o1', 'c1', '2024-05-01T10:00:00.000Z');
  const confirm = confirmed('o1', '2024-05-01T10:00:02.000Z');
  const cancel = cancelled('o1', 2, '2024-05-01T11:00:00.000Z', 'confirmed');
  await apply(db, [place, confirm, cancel]);
  const settled = await getOrder(db.pool, 'o1');
  assert.is(settled?.status, 'cancelled');
  assert.is(settled?.cancellationReason, 'customer_request');

  // Redelivered (equal) and late (older) events, and an OrderPlaced replayed over the row.
  await apply(db, [confirm, place, cancel, confirm]);
  assert.equal(await getOrder(db.pool, 'o1'), settled);
});

test('listOrders pages newest first with an opaque keyset cursor, filtered by customer and status', async ({ db }) => {
  const events: RecordedEvent[] = [];
  for (let index = 0; index < 7; index++) {
    const customer = index % 2 === 0 ? 'even' : 'odd';
    // Two orders share each instant, so the order id breaks the tie.
    const at = new Date(Date.UTC(2024, 4, 1, 10, 0, Math.floor(index / 2))).toISOString();
    events.push(placed(`o${index}`, customer, at));
    if (index % 3 === 0) events.push(confirmed(`o${index}`, at));
  }
  await apply(db, events);

  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await listOrders(db.pool, { limit: 3, ...(cursor ? { cursor } : {}) });
    ids.push(...page.items.map((order) => order.orderId));
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor);
  assert.equal(ids, ['o6', 'o5', 'o4', 'o3', 'o2', 'o1', 'o0']);
  assert.is(pages, 3);

  const even = await listOrders(db.pool, { customerId: 'even', limit: 2 });
  assert.equal(
    even.items.map((order) => order.orderId),
    ['o6', 'o4'],
  );
  const evenRest = await listOrders(db.pool, { customerId: 'even', limit: 2, cursor: even.nextCursor! });
  assert.equal(
    evenRest.items.map((order) => order.orderId),
    ['o2', 'o0'],
  );
  assert.is(evenRest.nextCursor, undefined);

  const confirmedOrders = await listOrders(db.pool, { status: 'confirmed', limit: 10 });
  assert.equal(
    confirmedOrders.items.map((order) => order.orderId),
    ['o6', 'o3', 'o0'],
  );
  const evenPending = await listOrders(db.pool, { customerId: 'even', status: 'pending', limit: 10 });
  assert.equal(
    evenPending.items.map((order) => order.orderId),
    ['o4', 'o2'],
  );
});

test('a cursor or limit the API did not issue is a validation error', async ({ db }) => {
  for (const query of [
    { limit: 10, cursor: 'not a cursor' },
    { limit: 10, cursor: Buffer.from('["yesterday","o1"]').toString('base64url') },
    { limit: 0 },
    { limit: 1000 },
  ]) {
    try {
      await listOrders(db.pool, query);
      assert.unreachable(`accepted ${JSON.stringify(query)}`);
    } catch (error) {
      assert.ok(isDomainError(error) && error.code === 'validation', String(error));
    }
  }
});

test('tables can be pointed at a shadow copy', async ({ db }) => {
  await db.pool.query('CREATE TABLE read_orders_shadow (LIKE read_orders INCLUDING ALL)');
  const shadow = ordersProjection({ name: 'orders-rebuild', tables: { orders: 'read_orders_shadow' } });
  const client = await db.pool.connect();
  try {
    await shadow.handle(client, envelopeOf(placed('o9', 'c9', '2024-05-01T10:00:00.000Z')));
  } finally {
    client.release();
  }
  assert.is(await getOrder(db.pool, 'o9'), undefined);
  assert.is((await getOrder(db.pool, 'o9', { orders: 'read_orders_shadow' }))?.customerId, 'c9');
});

test.run();

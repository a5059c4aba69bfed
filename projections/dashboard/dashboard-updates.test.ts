import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { EventEnvelope } from '../../schemas/kafka-envelope.ts';
import { dashboardKeys, minuteOf } from './dashboard-keys.ts';
import { dashboardUpdateOf } from './dashboard-updates.ts';

const test = suite('dashboard updates');

const envelope = (type: string, streamId: string, streamVersion: number, data: unknown): EventEnvelope => ({
  eventId: 'e1',
  type,
  schemaVersion: 1,
  streamId,
  streamVersion,
  position: 1n,
  recordedAt: '2024-05-01T10:00:09.000Z',
  data,
});

test('an order event moves the order status; OrderPlaced also counts in its minute', () => {
  assert.equal(
    dashboardUpdateOf(envelope('OrderPlaced', 'order-o1', 0, { orderId: 'o1', placedAt: '2024-05-01T10:00:05.123Z' })),
    {
      kind: 'order-status',
      orderId: 'o1',
      version: 0,
      status: 'pending',
      placedMinute: '2024-05-01T10:00',
      at: '2024-05-01T10:00:05.123Z',
    },
  );
  assert.equal(
    dashboardUpdateOf(
      envelope('OrderCancelled', 'order-o1', 2, {
        orderId: 'o1',
        reason: 'customer_request',
        previousStatus: 'confirmed',
        cancelledAt: '2024-05-01T11:00:00.000Z',
      }),
    ),
    {
      kind: 'order-status',
      orderId: 'o1',
      version: 2,
      status: 'cancelled',
      previousIfUnknown: 'confirmed',
      at: '2024-05-01T11:00:00.000Z',
    },
  );
});

test('committed and returned units feed the top sellers with the SKU stream version', () => {
  assert.equal(
    dashboardUpdateOf(
      envelope('StockReturned', 'inventory-sku-a', 7, {
        sku: 'sku-a',
        orderId: 'o1',
        quantity: 3,
        onHand: 9,
        available: 9,
      }),
    ),
    { kind: 'units-sold', sku: 'sku-a', orderId: 'o1', version: 7, quantity: 3, state: 'returned' },
  );
  assert.is(
    dashboardUpdateOf(
      envelope('StockRestocked', 'inventory-sku-a', 8, { sku: 'sku-a', quantity: 1, onHand: 10, available: 10 }),
    ),
    undefined,
  );
});

test('saga phase events move the saga state; step events are not shown', () => {
  const update = dashboardUpdateOf(
    envelope('SagaResumed', 'saga-o1', 9, { orderId: 'o1', at: '2024-05-01T10:01:00.000Z' }),
  );
  assert.equal(update, {
    kind: 'saga-status',
    orderId: 'o1',
    version: 9,
    status: 'resume',
    previousIfUnknown: 'stuck',
    at: '2024-05-01T10:01:00.000Z',
  });
  const compensating = dashboardUpdateOf(
    envelope('SagaCompensationStarted', 'saga-o1', 3, { orderId: 'o1', reason: 'out_of_stock', at: 'x' }),
  );
  assert.is(compensating?.kind === 'saga-status' && compensating.phase, 'compensating');
  assert.is(dashboardUpdateOf(envelope('SagaStepSucceeded', 'saga-o1', 4, { orderId: 'o1' })), undefined);
});

test('keys live under the prefix; minutes are UTC', () => {
  const keys = dashboardKeys('t1:');
  assert.is(keys.order('o1'), 't1:order:o1');
  assert.is(keys.sold('sku-a', 'o1'), 't1:sold:sku-a:o1');
  assert.is(keys.changes, 't1:changes');
  assert.is(minuteOf('2024-05-01T12:34:56.789+02:00'), '2024-05-01T10:34');
});

test.run();

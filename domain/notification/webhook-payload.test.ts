import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { OrderEvent } from '../order/events.ts';
import { webhookPayload, webhookTypeOf } from './webhook-payload.ts';

const test = suite('webhook payloads');

const placed: OrderEvent = {
  type: 'OrderPlaced',
  data: {
    orderId: 'o1',
    customerId: 'c1',
    lines: [{ sku: 'sku-a', quantity: 2, unitPrice: 2500 }],
    total: 5000,
    currency: 'EUR',
    payment: [{ method: 'card', amount: 5000, token: 'tok_ok' }],
    placedAt: '2025-01-01T10:00:00.000Z',
  },
};
const confirmed = {
  type: 'OrderConfirmed' as const,
  data: { orderId: 'o1', confirmedAt: '2025-01-01T10:00:02.000Z' },
};
const cancelled = {
  type: 'OrderCancelled' as const,
  data: {
    orderId: 'o1',
    reason: 'customer_request',
    previousStatus: 'confirmed',
    cancelledAt: '2025-01-01T11:00:00.000Z',
  },
} satisfies OrderEvent;

test('only the final order events and refunds are told', () => {
  assert.is(webhookTypeOf('OrderConfirmed'), 'order.confirmed');
  assert.is(webhookTypeOf('OrderCancelled'), 'order.cancelled');
  assert.is(webhookTypeOf('PaymentRefunded'), 'order.refunded');
  for (const other of ['OrderPlaced', 'PaymentCaptured', 'toString', 'NotificationSent']) {
    assert.is(webhookTypeOf(other), undefined, other);
  }
});

test('a confirmation carries the customer and the total from the placed order', () => {
  assert.equal(webhookPayload('e2', confirmed, [placed, confirmed]), {
    id: 'e2',
    type: 'order.confirmed',
    occurredAt: '2025-01-01T10:00:02.000Z',
    data: { orderId: 'o1', customerId: 'c1', status: 'confirmed', total: 5000 },
  });
});

test('a cancellation carries its reason; a refund the reason of the cancellation it follows', () => {
  assert.equal(webhookPayload('e3', cancelled, [placed, confirmed, cancelled])?.data, {
    orderId: 'o1',
    customerId: 'c1',
    status: 'cancelled',
    cancellationReason: 'customer_request',
    total: 5000,
  });
  const refunded = {
    type: 'PaymentRefunded' as const,
    data: {
      orderId: 'o1',
      authorizationId: 'a1',
      amount: 5000,
      reason: 'cancelled',
      refundedAt: '2025-01-01T11:00:01.000Z',
    },
  };
  assert.equal(webhookPayload('e4', refunded, [placed, confirmed, cancelled]), {
    id: 'e4',
    type: 'order.refunded',
    occurredAt: '2025-01-01T11:00:01.000Z',
    data: { orderId: 'o1', customerId: 'c1', status: 'refunded', cancellationReason: 'customer_request', total: 5000 },
  });
});

test('without a placed order there is nothing to tell', () => {
  assert.is(webhookPayload('e2', confirmed, [confirmed]), undefined);
});

test.run();

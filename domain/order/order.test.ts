import { suite } from 'uvu';
import { deciderSpec } from '../testing/decider-spec.ts';
import type { OrderEvent } from './events.ts';
import { orderDecider } from './order-decider.ts';
import { cancelOrder, confirmOrder, placedAt, placeOrder } from './order-examples.ts';

const spec = deciderSpec(orderDecider);
const confirmedAt = '2025-01-01T10:00:05.000Z';

const placed = (): OrderEvent => ({
  type: 'OrderPlaced',
  data: {
    orderId: 'o1',
    customerId: 'c1',
    lines: [
      { sku: 'sku-a', quantity: 2, unitPrice: 1500 },
      { sku: 'sku-b', quantity: 1, unitPrice: 2000 },
    ],
    total: 5000,
    currency: 'EUR',
    payment: [{ method: 'card', amount: 5000, token: 'tok_ok' }],
    placedAt,
  },
});
const confirmed = (): OrderEvent => ({ type: 'OrderConfirmed', data: { orderId: 'o1', confirmedAt } });

const place = suite('PlaceOrder');

place('places a pending order with the total of its lines', () => {
  spec.given([]).when(placeOrder()).then([placed()]);
});

place('keeps only the fields each payment method carries', () => {
  const command = placeOrder({
    lines: [{ sku: 'sku-a', quantity: 1, unitPrice: 12_000 }],
    payment: [{ method: 'bnpl', amount: 12_000, token: 'tok_ok', couponCode: 'stray' }],
  });
  spec
    .given([])
    .when(command)
    .then([
      {
        type: 'OrderPlaced',
        data: {
          orderId: 'o1',
          customerId: 'c1',
          lines: [{ sku: 'sku-a', quantity: 1, unitPrice: 12_000 }],
          total: 12_000,
          currency: 'EUR',
          payment: [{ method: 'bnpl', amount: 12_000, token: 'tok_ok' }],
          placedAt,
        },
      },
    ]);
});

place('refuses an order that exists (409)', () => {
  spec.given([placed()]).when(placeOrder()).thenThrows('order_exists');
});

place('applies the payment plan rules (422)', () => {
  spec
    .given([])
    .when(placeOrder({ payment: [{ method: 'card', amount: 4999, token: 'tok_ok' }] }))
    .thenThrows('payment_total_mismatch');
  spec
    .given([])
    .when(placeOrder({ payment: [{ method: 'bnpl', amount: 5000, token: 'tok_ok' }] }))
    .thenThrows('bnpl_minimum_total');
});

place('checks points and coupons against the accounts snapshot', () => {
  spec
    .given([])
    .when(
      placeOrder({
        payment: [
          { method: 'card', amount: 4000, token: 'tok_ok' },
          { method: 'points', amount: 1000 },
        ],
        context: { pointsBalance: 999, coupons: {} },
      }),
    )
    .thenThrows('points_exceed_balance');
  spec
    .given([])
    .when(
      placeOrder({
        payment: [
          { method: 'card', amount: 4000, token: 'tok_ok' },
          { method: 'coupon', amount: 1000, couponCode: 'GONE' },
        ],
      }),
    )
    .thenThrows('coupon_unknown');
});

const confirm = suite('ConfirmOrder');

confirm('confirms a pending order', () => {
  spec.given([placed()]).when(confirmOrder(confirmedAt)).then([confirmed()]);
});

confirm('confirming again changes nothing', () => {
  spec.given([placed(), confirmed()]).when(confirmOrder(confirmedAt)).then([]);
});

confirm('refuses an unknown order (404)', () => {
  spec.given([]).when(confirmOrder(confirmedAt)).thenThrows('not_found');
});

confirm('refuses a cancelled order', () => {
  const cancelled: OrderEvent = {
    type: 'OrderCancelled',
    data: { orderId: 'o1', reason: 'out_of_stock', previousStatus: 'pending', cancelledAt: confirmedAt },
  };
  spec.given([placed(), cancelled]).when(confirmOrder(confirmedAt)).thenThrows('order_cancelled');
});

const cancel = suite('CancelOrder');
const cancelledFrom = (
  previousStatus: 'pending' | 'confirmed',
  reason: 'customer_request' | 'payment_timeout',
  cancelledAt: string,
): OrderEvent => ({ type: 'OrderCancelled', data: { orderId: 'o1', reason, previousStatus, cancelledAt } });

cancel('the customer cancels a pending order', () => {
  spec
    .given([placed()])
    .when(cancelOrder('customer_request', confirmedAt, { requestedBy: 'c1' }))
    .then([
      {
        type: 'OrderCancelled',
        data: {
          orderId: 'o1',
          reason: 'customer_request',
          previousStatus: 'pending',
          requestedBy: 'c1',
          cancelledAt: confirmedAt,
        },
      },
    ]);
});

cancel('the system cancels a pending order', () => {
  spec
    .given([placed()])
    .when(cancelOrder('payment_timeout', confirmedAt))
    .then([cancelledFrom('pending', 'payment_timeout', confirmedAt)]);
});

cancel('the customer cancels a confirmed order up to 24 hours after confirmation', () => {
  const lastMoment = '2025-01-02T10:00:05.000Z';
  spec
    .given([placed(), confirmed()])
    .when(cancelOrder('customer_request', lastMoment))
    .then([cancelledFrom('confirmed', 'customer_request', lastMoment)]);
});

cancel('refuses a customer cancellation after the 24 hour window', () => {
  spec
    .given([placed(), confirmed()])
    .when(cancelOrder('customer_request', '2025-01-02T10:00:05.001Z'))
    .thenThrows('cancellation_window_passed');
});

cancel('a system reason never cancels a confirmed order', () => {
  spec.given([placed(), confirmed()]).when(cancelOrder('payment_timeout', confirmedAt)).thenThrows('order_not_pending');
});

cancel('refuses to cancel a cancelled order', () => {
  spec
    .given([placed(), cancelledFrom('pending', 'customer_request', confirmedAt)])
    .when(cancelOrder('customer_request', confirmedAt))
    .thenThrows('order_already_cancelled');
});

cancel('refuses an unknown order or reason', () => {
  spec.given([]).when(cancelOrder('customer_request', confirmedAt)).thenThrows('not_found');
  spec
    .given([placed()])
    .when(cancelOrder('bored' as 'customer_request', confirmedAt))
    .thenThrows('validation', ['reason']);
});

place.run();
confirm.run();
cancel.run();

import type { CommandMetadata } from '../message.ts';
import { runCommands } from '../testing/run-commands.ts';
import type { CancelOrder, ConfirmOrder, PlaceOrder } from './commands.ts';
import type { OrderEvent } from './events.ts';
import { orderDecider } from './order-decider.ts';

/** Command builders for specs and examples; each takes overrides of the interesting fields. */

const metadataAt = (now: string): CommandMetadata => ({ commandId: `command-${now}`, now });

export const placedAt = '2025-01-01T10:00:00.000Z';

export const placeOrder = (data: Partial<PlaceOrder['data']> = {}, now = placedAt): PlaceOrder => ({
  type: 'PlaceOrder',
  data: {
    orderId: 'o1',
    customerId: 'c1',
    lines: [
      { sku: 'sku-a', quantity: 2, unitPrice: 1500 },
      { sku: 'sku-b', quantity: 1, unitPrice: 2000 },
    ],
    payment: [{ method: 'card', amount: 5000, token: 'tok_ok' }],
    context: { pointsBalance: 0, coupons: {} },
    ...data,
  },
  metadata: metadataAt(now),
});

export const confirmOrder = (now: string, orderId = 'o1'): ConfirmOrder => ({
  type: 'ConfirmOrder',
  data: { orderId },
  metadata: metadataAt(now),
});

export const cancelOrder = (
  reason: CancelOrder['data']['reason'],
  now: string,
  extra: Partial<CancelOrder['data']> = {},
): CancelOrder => ({
  type: 'CancelOrder',
  data: { orderId: 'o1', reason, ...extra },
  metadata: metadataAt(now),
});

/** Events the order decider really emits, covering every type and every optional field set and unset. */
export const orderExampleEvents = (): OrderEvent[] => [
  ...runCommands(orderDecider, [
    placeOrder({
      payment: [
        { method: 'card', amount: 3000, token: 'tok_ok' },
        { method: 'points', amount: 1000 },
        { method: 'coupon', amount: 1000, couponCode: 'WELCOME10' },
      ],
      context: { pointsBalance: 1000, coupons: { WELCOME10: { amount: 1000 } } },
    }),
    confirmOrder('2025-01-01T10:00:05.000Z'),
    cancelOrder('customer_request', '2025-01-01T12:00:00.000Z', { requestedBy: 'c1' }),
  ]),
  ...runCommands(orderDecider, [
    placeOrder({ orderId: 'o2' }),
    cancelOrder('payment_declined', '2025-01-01T10:00:03.000Z', { orderId: 'o2' }),
  ]),
];

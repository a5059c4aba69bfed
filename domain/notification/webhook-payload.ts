import type { CancellationReason } from '../order/commands.ts';
import type { OrderEvent } from '../order/events.ts';
import type { PaymentRefunded } from '../payment/events.ts';
import type { WebhookEventType } from './events.ts';

/** The events a notification tells about: the order's final ones, and the refund of a cancelled order. */
export type NotifiedEvent = Extract<OrderEvent, { type: 'OrderConfirmed' | 'OrderCancelled' }> | PaymentRefunded;

const webhookTypes: Record<NotifiedEvent['type'], WebhookEventType> = {
  OrderConfirmed: 'order.confirmed',
  OrderCancelled: 'order.cancelled',
  PaymentRefunded: 'order.refunded',
};

export const webhookTypeOf = (eventType: string): WebhookEventType | undefined =>
  Object.hasOwn(webhookTypes, eventType) ? webhookTypes[eventType as NotifiedEvent['type']] : undefined;

/** The JSON body every subscription receives for one event (docs/notifications.md). */
export interface WebhookPayload {
  /** The id of the order or payment event told about (the same for every subscription). */
  id: string;
  type: WebhookEventType;
  occurredAt: string;
  data: {
    orderId: string;
    customerId: string;
    status: 'confirmed' | 'cancelled' | 'refunded';
    cancellationReason?: CancellationReason;
    /** Minor units, as the order was placed. */
    total: number;
  };
}

/**
 * The body for `event`, from the order's history up to it. Undefined when the history holds no placed
 * order (nothing to tell a customer about).
 */
export const webhookPayload = (
  eventId: string,
  event: NotifiedEvent,
  orderHistory: OrderEvent[],
): WebhookPayload | undefined => {
  const placed = orderHistory.find((past) => past.type === 'OrderPlaced');
  if (!placed) return undefined;
  const cancelled = [...orderHistory].reverse().find((past) => past.type === 'OrderCancelled');
  const base = { orderId: placed.data.orderId, customerId: placed.data.customerId, total: placed.data.total };
  switch (event.type) {
    case 'OrderConfirmed':
      return {
        id: eventId,
        type: 'order.confirmed',
        occurredAt: event.data.confirmedAt,
        data: { ...base, status: 'confirmed' },
      };
    case 'OrderCancelled':
      return {
        id: eventId,
        type: 'order.cancelled',
        occurredAt: event.data.cancelledAt,
        data: { ...base, status: 'cancelled', cancellationReason: event.data.reason },
      };
    case 'PaymentRefunded':
      return {
        id: eventId,
        type: 'order.refunded',
        occurredAt: event.data.refundedAt,
        data: {
          ...base,
          status: 'refunded',
          ...(cancelled ? { cancellationReason: cancelled.data.reason } : {}),
        },
      };
  }
};

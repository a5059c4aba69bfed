import type { Event } from '../message.ts';
import type { PaymentPart } from '../payment-plan/payment-part.ts';
import type { CancellationReason } from './commands.ts';
import type { OrderLine } from './order-line.ts';

/** Money is integer minor units of `currency`; schema v2 made the currency explicit. */
export const orderCurrency = 'EUR';

export type OrderPlaced = Event<
  'OrderPlaced',
  {
    orderId: string;
    customerId: string;
    lines: OrderLine[];
    total: number;
    currency: string;
    payment: PaymentPart[];
    placedAt: string;
  }
>;

export type OrderConfirmed = Event<'OrderConfirmed', { orderId: string; confirmedAt: string }>;

export type OrderCancelled = Event<
  'OrderCancelled',
  {
    orderId: string;
    reason: CancellationReason;
    previousStatus: 'pending' | 'confirmed';
    requestedBy?: string;
    cancelledAt: string;
  }
>;

export type OrderEvent = OrderPlaced | OrderConfirmed | OrderCancelled;

const orderEventTypeSet: Record<OrderEvent['type'], true> = {
  OrderPlaced: true,
  OrderConfirmed: true,
  OrderCancelled: true,
};

export const orderEventTypes = Object.keys(orderEventTypeSet) as OrderEvent['type'][];

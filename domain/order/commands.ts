import type { Command } from '../message.ts';
import type { PaymentAccounts } from '../payment-plan/payment-accounts.ts';
import type { PaymentPart } from '../payment-plan/payment-part.ts';
import type { OrderLine } from './order-line.ts';

export type PlaceOrder = Command<
  'PlaceOrder',
  {
    orderId: string;
    customerId: string;
    lines: OrderLine[];
    payment: PaymentPart[];
    /** Points balance and named coupons as read by the caller just before placing. */
    context: PaymentAccounts;
  }
>;

export type ConfirmOrder = Command<'ConfirmOrder', { orderId: string }>;

export const cancellationReasons = [
  'customer_request',
  'out_of_stock',
  'payment_declined',
  'payment_timeout',
  'compensated',
] as const;

export type CancellationReason = (typeof cancellationReasons)[number];

export type CancelOrder = Command<
  'CancelOrder',
  {
    orderId: string;
    reason: CancellationReason;
    /** Who asked (customer or operator id); informational. */
    requestedBy?: string;
  }
>;

export type OrderCommand = PlaceOrder | ConfirmOrder | CancelOrder;

export const isCancellationReason = (value: unknown): value is CancellationReason =>
  cancellationReasons.some((reason) => reason === value);

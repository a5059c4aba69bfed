import type { Event } from '../message.ts';
import type { PaymentPart } from '../payment-plan/payment-part.ts';

export type PaymentRequested = Event<
  'PaymentRequested',
  { orderId: string; customerId: string; parts: PaymentPart[]; total: number; requestedAt: string }
>;
export type PaymentAuthorized = Event<
  'PaymentAuthorized',
  { orderId: string; authorizationId: string; authorizedAt: string }
>;
export type PaymentDeclined = Event<'PaymentDeclined', { orderId: string; reason: string; declinedAt: string }>;
/** `amount` is what the gateway charged: the card or BNPL part (0 when points and coupons paid it all). */
export type PaymentCaptured = Event<
  'PaymentCaptured',
  { orderId: string; authorizationId: string; amount: number; capturedAt: string }
>;
/** `authorizationId` is set when an authorization was held, so the gateway hold can be released. */
export type PaymentVoided = Event<
  'PaymentVoided',
  { orderId: string; reason: string; authorizationId?: string; voidedAt: string }
>;
/** `amount` is what the gateway gives back; points and coupons are restored by their own aggregates. */
export type PaymentRefunded = Event<
  'PaymentRefunded',
  { orderId: string; authorizationId: string; amount: number; reason: string; refundedAt: string }
>;

export type PaymentEvent =
  | PaymentRequested
  | PaymentAuthorized
  | PaymentDeclined
  | PaymentCaptured
  | PaymentVoided
  | PaymentRefunded;

const paymentEventTypeSet: Record<PaymentEvent['type'], true> = {
  PaymentRequested: true,
  PaymentAuthorized: true,
  PaymentDeclined: true,
  PaymentCaptured: true,
  PaymentVoided: true,
  PaymentRefunded: true,
};

export const paymentEventTypes = Object.keys(paymentEventTypeSet) as PaymentEvent['type'][];

import type { Command } from '../message.ts';
import type { PaymentPart } from '../payment-plan/payment-part.ts';

export type RequestPayment = Command<
  'RequestPayment',
  { orderId: string; customerId: string; parts: PaymentPart[]; total: number }
>;
/** The gateway approved the card/BNPL part (the saga calls the gateway, then records its answer). */
export type RecordAuthorization = Command<'RecordAuthorization', { orderId: string; authorizationId: string }>;
export type RecordDecline = Command<'RecordDecline', { orderId: string; reason: string }>;
export type CapturePayment = Command<'CapturePayment', { orderId: string }>;
export type VoidPayment = Command<'VoidPayment', { orderId: string; reason: string }>;
export type RefundPayment = Command<'RefundPayment', { orderId: string; reason: string }>;

export type PaymentCommand =
  | RequestPayment
  | RecordAuthorization
  | RecordDecline
  | CapturePayment
  | VoidPayment
  | RefundPayment;

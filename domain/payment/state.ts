import type { PaymentRequested } from './events.ts';

export type RequestedPayment = PaymentRequested['data'];

export type PaymentState =
  | { status: 'Empty' }
  | { status: 'Requested'; payment: RequestedPayment }
  | { status: 'Authorized'; payment: RequestedPayment; authorizationId: string }
  | { status: 'Declined'; payment: RequestedPayment; reason: string }
  | { status: 'Captured'; payment: RequestedPayment; authorizationId: string }
  | { status: 'Voided'; payment: RequestedPayment; reason: string }
  | { status: 'Refunded'; payment: RequestedPayment; authorizationId: string };

export type PaymentStatus = PaymentState['status'];

export const initialPaymentState = (): PaymentState => ({ status: 'Empty' });

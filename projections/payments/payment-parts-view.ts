import type { PaymentMethod, PaymentPart } from '../../domain/payment-plan/payment-part.ts';

/** A payment part as read models show it: gateway tokens stay in the event store. */
export interface PaymentPartView {
  method: PaymentMethod;
  amount: number;
  couponCode?: string;
}

export const paymentPartsView = (parts: readonly PaymentPart[]): PaymentPartView[] =>
  parts.map(({ method, amount, couponCode }) =>
    couponCode === undefined ? { method, amount } : { method, amount, couponCode },
  );

import { ruleBroken } from '../errors.ts';
import type { PaymentMethod, PaymentPart } from './payment-part.ts';

export const bnplMinimumTotal = 10_000;

/**
 * Business rules of a well-formed payment plan (HTTP 422), checked in this order so the rule
 * named in a refusal is predictable when several are broken.
 */
export const assertPaymentPlanRules = (parts: readonly PaymentPart[], total: number): void => {
  const paid = parts.reduce((sum, part) => sum + part.amount, 0);
  if (paid !== total) {
    throw ruleBroken('payment_total_mismatch', `payment parts add up to ${paid}, the order total is ${total}`);
  }
  const methods = parts.map((part) => part.method);
  if (methods.every((method) => method === 'coupon')) {
    throw ruleBroken('coupon_cannot_pay_alone', 'a coupon must be combined with another payment method');
  }
  const usesBnpl = methods.includes('bnpl');
  if (usesBnpl && parts.length > 1) {
    throw ruleBroken('bnpl_not_combinable', 'BNPL must pay the whole order on its own');
  }
  if (usesBnpl && total < bnplMinimumTotal) {
    throw ruleBroken('bnpl_minimum_total', `BNPL needs an order total of at least ${bnplMinimumTotal}`);
  }
  const duplicate = methods.find((method, index) => methods.indexOf(method) !== index);
  if (duplicate) {
    throw ruleBroken('duplicate_payment_method', `at most one ${duplicate} part per payment`);
  }
  if (parts.length > 1 && !methods.includes('card' satisfies PaymentMethod)) {
    throw ruleBroken('combined_payment_requires_card', 'a combined payment needs a card as its main method');
  }
};

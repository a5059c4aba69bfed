import { ruleBroken } from '../errors.ts';
import type { PaymentPart } from './payment-part.ts';

/** What the order knows of a coupon when it is placed (read from the coupon stream by the caller). */
export interface CouponSnapshot {
  amount: number;
  redeemedByOrderId?: string;
}

/**
 * The customer's points balance and the coupons the plan names, as read just before placing the
 * order. The points and coupon aggregates check again when the saga spends and redeems, so a
 * stale snapshot can only let an order through to a later, compensated refusal.
 */
export interface PaymentAccounts {
  pointsBalance: number;
  coupons: Record<string, CouponSnapshot>;
}

/** Points and coupon rules (HTTP 422) against the accounts snapshot. */
export const assertPaymentPlanCovered = (
  parts: readonly PaymentPart[],
  accounts: PaymentAccounts,
  orderId: string,
): void => {
  for (const part of parts) {
    if (part.method === 'points' && part.amount > accounts.pointsBalance) {
      throw ruleBroken(
        'points_exceed_balance',
        `paying ${part.amount} in points, the balance is ${accounts.pointsBalance}`,
      );
    }
    if (part.method === 'coupon') {
      const code = part.couponCode ?? '';
      const coupon = Object.hasOwn(accounts.coupons, code) ? accounts.coupons[code] : undefined;
      if (!coupon) throw ruleBroken('coupon_unknown', `coupon ${code} does not exist`);
      if (coupon.redeemedByOrderId !== undefined && coupon.redeemedByOrderId !== orderId) {
        throw ruleBroken('coupon_already_redeemed', `coupon ${code} was redeemed by another order`);
      }
      if (part.amount > coupon.amount) {
        throw ruleBroken('coupon_amount_exceeded', `coupon ${code} is worth ${coupon.amount}, not ${part.amount}`);
      }
    }
  }
};

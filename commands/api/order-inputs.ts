import { couponDecider } from '../../domain/coupon/coupon-decider.ts';
import { ruleBroken } from '../../domain/errors.ts';
import { inventoryDecider } from '../../domain/inventory/inventory-decider.ts';
import type { OrderLine } from '../../domain/order/order-line.ts';
import type { CouponSnapshot, PaymentAccounts } from '../../domain/payment-plan/payment-accounts.ts';
import type { PaymentPart } from '../../domain/payment-plan/payment-part.ts';
import { pointsDecider } from '../../domain/points/points-decider.ts';
import { couponStreamId, inventoryStreamId, pointsStreamId } from '../../domain/streams.ts';
import { readState } from '../command-handler.ts';
import type { EventStore } from '../event-store/event-store.ts';

/**
 * What PlaceOrder needs besides the request: each line's registered unit price and the payment
 * accounts the plan names, read by folding their streams just before the order is placed.
 */

export interface RequestedItem {
  sku: string;
  quantity: number;
}

/** Prices every line from its SKU's inventory stream; an unregistered SKU refuses the order (422). */
export const pricedLines = async (store: EventStore, items: readonly RequestedItem[]): Promise<OrderLine[]> => {
  const skus = [...new Set(items.map((item) => item.sku))];
  const states = await Promise.all(skus.map((sku) => readState(store, inventoryDecider, inventoryStreamId(sku))));
  const prices = new Map<string, number>();
  skus.forEach((sku, index) => {
    const state = states[index];
    if (state?.status !== 'Registered') throw ruleBroken('unknown_sku', `SKU ${sku} is not registered`);
    prices.set(sku, state.unitPrice);
  });
  return items.map(({ sku, quantity }) => ({ sku, quantity, unitPrice: prices.get(sku) as number }));
};

/** The customer's points balance (read only when the plan pays with points) and the named coupons that exist. */
export const paymentAccounts = async (
  store: EventStore,
  customerId: string,
  payment: readonly PaymentPart[],
): Promise<PaymentAccounts> => {
  const usesPoints = payment.some((part) => part.method === 'points');
  const codes = [
    ...new Set(payment.flatMap((part) => (part.method === 'coupon' && part.couponCode ? [part.couponCode] : []))),
  ];
  const [points, ...couponStates] = await Promise.all([
    usesPoints ? readState(store, pointsDecider, pointsStreamId(customerId)) : undefined,
    ...codes.map((code) => readState(store, couponDecider, couponStreamId(code))),
  ]);
  // fromEntries defines own properties, so even a code like `__proto__` stays an ordinary key.
  const coupons: Record<string, CouponSnapshot> = Object.fromEntries(
    codes.flatMap((code, index) => {
      const coupon = couponStates[index];
      if (coupon?.status !== 'Created') return [];
      const redeemed = coupon.redemption ? { redeemedByOrderId: coupon.redemption.orderId } : {};
      return [[code, { amount: coupon.amount, ...redeemed }]];
    }),
  );
  return { pointsBalance: points?.balance ?? 0, coupons };
};

import type { Command } from '../message.ts';

export type CreateCoupon = Command<'CreateCoupon', { code: string; amount: number }>;
/** Uses the coupon for `amount` (at most its face value) on one order. */
export type RedeemCoupon = Command<'RedeemCoupon', { code: string; orderId: string; amount: number }>;
/** Makes a coupon usable again after the order that redeemed it was cancelled (compensation). */
export type RestoreCoupon = Command<'RestoreCoupon', { code: string; orderId: string }>;

export type CouponCommand = CreateCoupon | RedeemCoupon | RestoreCoupon;

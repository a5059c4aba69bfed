import type { Event } from '../message.ts';

export type CouponCreated = Event<'CouponCreated', { code: string; amount: number }>;
export type CouponRedeemed = Event<'CouponRedeemed', { code: string; orderId: string; amount: number }>;
export type CouponRestored = Event<'CouponRestored', { code: string; orderId: string; amount: number }>;

export type CouponEvent = CouponCreated | CouponRedeemed | CouponRestored;

const couponEventTypeSet: Record<CouponEvent['type'], true> = {
  CouponCreated: true,
  CouponRedeemed: true,
  CouponRestored: true,
};

export const couponEventTypes = Object.keys(couponEventTypeSet) as CouponEvent['type'][];

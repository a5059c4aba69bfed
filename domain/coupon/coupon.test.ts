import { suite } from 'uvu';
import { deciderSpec } from '../testing/decider-spec.ts';
import { couponDecider } from './coupon-decider.ts';
import { createCoupon, redeemCoupon, restoreCoupon } from './coupon-examples.ts';
import type { CouponEvent } from './events.ts';

const spec = deciderSpec(couponDecider);

const created: CouponEvent = { type: 'CouponCreated', data: { code: 'WELCOME10', amount: 1000 } };
const redeemed = (orderId: string, amount: number): CouponEvent => ({
  type: 'CouponRedeemed',
  data: { code: 'WELCOME10', orderId, amount },
});
const restored = (orderId: string, amount: number): CouponEvent => ({
  type: 'CouponRestored',
  data: { code: 'WELCOME10', orderId, amount },
});

const create = suite('CreateCoupon');

create('creates a coupon', () => {
  spec.given([]).when(createCoupon(1000)).then([created]);
});

create('refuses a code that exists (409)', () => {
  spec.given([created]).when(createCoupon(500)).thenThrows('coupon_exists');
});

const redeem = suite('RedeemCoupon');

redeem('redeems up to the face value', () => {
  spec
    .given([created])
    .when(redeemCoupon('o1', 1000))
    .then([redeemed('o1', 1000)]);
});

redeem('refuses more than the face value', () => {
  spec.given([created]).when(redeemCoupon('o1', 1001)).thenThrows('coupon_amount_exceeded');
});

redeem('refuses a coupon redeemed by another order, changes nothing for the same order', () => {
  spec
    .given([created, redeemed('o1', 800)])
    .when(redeemCoupon('o2', 800))
    .thenThrows('coupon_already_redeemed');
  spec
    .given([created, redeemed('o1', 800)])
    .when(redeemCoupon('o1', 800))
    .then([]);
});

redeem('a restored coupon can be redeemed again', () => {
  spec
    .given([created, redeemed('o1', 800), restored('o1', 800)])
    .when(redeemCoupon('o2', 500))
    .then([redeemed('o2', 500)]);
});

redeem('refuses an unknown coupon (404)', () => {
  spec.given([]).when(redeemCoupon('o1', 100)).thenThrows('not_found');
});

const restore = suite('RestoreCoupon');

restore('restores a coupon redeemed by the order', () => {
  spec
    .given([created, redeemed('o1', 800)])
    .when(restoreCoupon('o1'))
    .then([restored('o1', 800)]);
});

restore('changes nothing when the order holds no redemption', () => {
  spec
    .given([created, redeemed('o1', 800)])
    .when(restoreCoupon('o2'))
    .then([]);
  spec
    .given([created, redeemed('o1', 800), restored('o1', 800)])
    .when(restoreCoupon('o1'))
    .then([]);
  spec.given([]).when(restoreCoupon('o1')).then([]);
});

create.run();
redeem.run();
restore.run();

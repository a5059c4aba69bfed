import { assertNever } from '../decider.ts';
import { conflict, notFound, ruleBroken } from '../errors.ts';
import { FieldErrors, isNonEmptyString, isPositiveInteger } from '../validation.ts';
import type { CouponCommand, CreateCoupon, RedeemCoupon, RestoreCoupon } from './commands.ts';
import type { CouponEvent } from './events.ts';
import type { CouponState } from './state.ts';

// The fields of CreateCoupon are checked by the command API's request schema.
const createCoupon = ({ data }: CreateCoupon, state: CouponState): CouponEvent[] => {
  if (state.status !== 'Empty') throw conflict(`coupon ${data.code} exists`, 'coupon_exists');
  return [{ type: 'CouponCreated', data: { code: data.code, amount: data.amount } }];
};

const redeemCoupon = ({ data }: RedeemCoupon, state: CouponState): CouponEvent[] => {
  new FieldErrors()
    .check(isNonEmptyString(data.orderId), 'orderId', 'is required')
    .check(isPositiveInteger(data.amount), 'amount', 'must be a positive integer (minor units)')
    .throwIfAny('the redemption is not well formed');
  if (state.status === 'Empty') throw notFound(`coupon ${data.code} does not exist`);
  if (state.redemption?.orderId === data.orderId) return [];
  if (state.redemption) {
    throw ruleBroken('coupon_already_redeemed', `coupon ${state.code} was redeemed by another order`);
  }
  if (data.amount > state.amount) {
    throw ruleBroken('coupon_amount_exceeded', `coupon ${state.code} is worth ${state.amount}, not ${data.amount}`);
  }
  return [{ type: 'CouponRedeemed', data: { code: state.code, orderId: data.orderId, amount: data.amount } }];
};

const restoreCoupon = ({ data }: RestoreCoupon, state: CouponState): CouponEvent[] => {
  if (state.status === 'Empty' || state.redemption?.orderId !== data.orderId) return [];
  return [
    { type: 'CouponRestored', data: { code: state.code, orderId: data.orderId, amount: state.redemption.amount } },
  ];
};

export const decideCoupon = (command: CouponCommand, state: CouponState): CouponEvent[] => {
  switch (command.type) {
    case 'CreateCoupon':
      return createCoupon(command, state);
    case 'RedeemCoupon':
      return redeemCoupon(command, state);
    case 'RestoreCoupon':
      return restoreCoupon(command, state);
    default:
      return assertNever(command);
  }
};

import { assertNever } from '../decider.ts';
import type { CouponEvent } from './events.ts';
import type { CouponState } from './state.ts';

export const evolveCoupon = (state: CouponState, event: CouponEvent): CouponState => {
  if (event.type === 'CouponCreated') return { status: 'Created', code: event.data.code, amount: event.data.amount };
  if (state.status === 'Empty') return state;
  switch (event.type) {
    case 'CouponRedeemed':
      return { ...state, redemption: { orderId: event.data.orderId, amount: event.data.amount } };
    case 'CouponRestored':
      return { status: 'Created', code: state.code, amount: state.amount };
    default:
      return assertNever(event);
  }
};

import type { Decider } from '../decider.ts';
import type { CouponCommand } from './commands.ts';
import { decideCoupon } from './decide.ts';
import type { CouponEvent } from './events.ts';
import { evolveCoupon } from './evolve.ts';
import { type CouponState, initialCouponState } from './state.ts';

export const couponDecider: Decider<CouponState, CouponCommand, CouponEvent> = {
  decide: decideCoupon,
  evolve: evolveCoupon,
  initialState: initialCouponState,
};

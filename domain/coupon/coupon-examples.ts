import type { CommandMetadata } from '../message.ts';
import { runCommands } from '../testing/run-commands.ts';
import type { CreateCoupon, RedeemCoupon, RestoreCoupon } from './commands.ts';
import { couponDecider } from './coupon-decider.ts';
import type { CouponEvent } from './events.ts';

const metadata: CommandMetadata = { commandId: 'command-1', now: '2025-01-01T10:00:00.000Z' };

export const createCoupon = (amount: number, code = 'WELCOME10'): CreateCoupon => ({
  type: 'CreateCoupon',
  data: { code, amount },
  metadata,
});
export const redeemCoupon = (orderId: string, amount: number): RedeemCoupon => ({
  type: 'RedeemCoupon',
  data: { code: 'WELCOME10', orderId, amount },
  metadata,
});
export const restoreCoupon = (orderId: string): RestoreCoupon => ({
  type: 'RestoreCoupon',
  data: { code: 'WELCOME10', orderId },
  metadata,
});

/** Events the coupon decider really emits, covering every type. */
export const couponExampleEvents = (): CouponEvent[] =>
  runCommands(couponDecider, [createCoupon(1000), redeemCoupon('o1', 800), restoreCoupon('o1')]);

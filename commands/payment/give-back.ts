import { couponDecider } from '../../domain/coupon/coupon-decider.ts';
import type { PaymentPart } from '../../domain/payment-plan/payment-part.ts';
import { pointsDecider } from '../../domain/points/points-decider.ts';
import { couponStreamId, pointsStreamId } from '../../domain/streams.ts';
import { type PaymentStepContext, subCommandIds } from './payment-step.ts';
import { type SubCommandDependencies, sendSubCommand } from './send-sub-command.ts';

export interface PaymentHolder {
  orderId: string;
  customerId: string;
  parts: readonly PaymentPart[];
}

/**
 * Gives back the points the order spent and the coupon it redeemed. Both aggregates answer `[]` when there is
 * nothing (left) to give back, so this is safe to send after a refusal, a decline, or a second time.
 */
export const giveBackPointsAndCoupon = async (
  deps: SubCommandDependencies,
  step: PaymentStepContext,
  { orderId, customerId, parts }: PaymentHolder,
): Promise<void> => {
  const ids = subCommandIds(step.commandId);
  const points = parts.find((part) => part.method === 'points');
  const coupon = parts.find((part) => part.method === 'coupon');
  await Promise.all([
    points &&
      sendSubCommand(deps, step, pointsDecider, pointsStreamId(customerId), ids.refundPoints, {
        type: 'RefundPoints',
        data: { customerId, orderId },
      }),
    coupon?.couponCode &&
      sendSubCommand(deps, step, couponDecider, couponStreamId(coupon.couponCode), ids.restoreCoupon, {
        type: 'RestoreCoupon',
        data: { code: coupon.couponCode, orderId },
      }),
  ]);
};

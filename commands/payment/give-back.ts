import { couponDecider } from '../../domain/coupon/coupon-decider.ts';
import { assertNever } from '../../domain/decider.ts';
import { giveBackCommands, type PaymentHolder } from '../../domain/order-saga/payment.ts';
import { pointsDecider } from '../../domain/points/points-decider.ts';
import { couponStreamId, pointsStreamId } from '../../domain/streams.ts';
import { type PaymentStepContext, subCommandIds } from './payment-step.ts';
import { type SubCommandDependencies, sendSubCommand } from './send-sub-command.ts';

/** Sends what `giveBackCommands` decides, each under the step's own give-back id. */
export const giveBackPointsAndCoupon = async (
  deps: SubCommandDependencies,
  step: PaymentStepContext,
  holder: PaymentHolder,
): Promise<void> => {
  const ids = subCommandIds(step.commandId);
  await Promise.all(
    giveBackCommands(holder).map((command) => {
      switch (command.type) {
        case 'RefundPoints':
          return sendSubCommand(
            deps,
            step,
            pointsDecider,
            pointsStreamId(command.data.customerId),
            ids.refundPoints,
            command,
          );
        case 'RestoreCoupon':
          return sendSubCommand(
            deps,
            step,
            couponDecider,
            couponStreamId(command.data.code),
            ids.restoreCoupon,
            command,
          );
        default:
          return assertNever(command);
      }
    }),
  );
};

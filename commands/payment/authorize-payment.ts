import { couponDecider } from '../../domain/coupon/coupon-decider.ts';
import { assertNever } from '../../domain/decider.ts';
import { type DomainError, isDomainError, ruleBroken } from '../../domain/errors.ts';
import {
  type AuthorizationOutcome,
  type AuthorizationProgress,
  concludeAuthorization,
  nextAuthorizationAction,
  type Refusal,
} from '../../domain/order-saga/payment.ts';
import type { AuthorizePaymentData } from '../../domain/order-saga/steps.ts';
import { paymentDecider } from '../../domain/payment/payment-decider.ts';
import type { PaymentGateway } from '../../domain/payment/payment-gateway.ts';
import type { RequestedPayment } from '../../domain/payment/state.ts';
import { pointsDecider } from '../../domain/points/points-decider.ts';
import { couponStreamId, paymentStreamId, pointsStreamId } from '../../domain/streams.ts';
import { readState } from '../command-handler.ts';
import { authorizeBeforeDeadline } from './authorize-before-deadline.ts';
import { giveBackPointsAndCoupon } from './give-back.ts';
import { type PaymentStepContext, subCommandIds } from './payment-step.ts';
import { type SubCommandDependencies, sendSubCommand } from './send-sub-command.ts';

export interface AuthorizePaymentDependencies extends SubCommandDependencies {
  gateway: PaymentGateway;
  gatewayTimeoutMs: number;
}

/** Runs the call; a refusal by the aggregate (a DomainError) is returned, anything else thrown. */
const refusalOf = async (call: () => Promise<unknown>): Promise<DomainError | undefined> => {
  try {
    await call();
    return undefined;
  } catch (error) {
    if (isDomainError(error)) return error;
    throw error;
  }
};

const answerOf = async <Done>(done: Done, call: () => Promise<unknown>): Promise<Done | Refusal> => {
  const refusal = await refusalOf(call);
  return refusal ? { code: refusal.code, ...(refusal.rule === undefined ? {} : { rule: refusal.rule }) } : done;
};

// The payment stopped waiting for an answer meanwhile (a duplicate run recorded one, or the saga voided it):
// the state read afterwards decides what the step reports.
const unlessNoLongerAwaited = async (call: () => Promise<unknown>): Promise<void> => {
  const refusal = await refusalOf(call);
  if (refusal && refusal.rule !== 'payment_not_awaiting_authorization') throw refusal;
};

/**
 * Authorizes an order's payment: request it, then run what `nextAuthorizationAction` decides (spend the points,
 * redeem the coupon, ask the gateway, record the answer). Every write carries an id derived from the step's, so
 * running the step again after a crash at any point repeats nothing: it finds what it did and carries on.
 *
 * Throws TransientGatewayError (incl. CircuitOpenError) when the gateway failed without answering, and
 * GatewayNoAnswerError when it did not answer before the deadline; in both cases nothing is recorded on the
 * payment and whatever was spent stays spent until the step runs again or the payment is voided.
 */
export const authorizePayment = async (
  deps: AuthorizePaymentDependencies,
  data: AuthorizePaymentData,
  step: PaymentStepContext,
): Promise<AuthorizationOutcome> => {
  const ids = subCommandIds(step.commandId);
  const streamId = paymentStreamId(data.orderId);
  const readPayment = () => readState(deps.store, paymentDecider, streamId);

  const requested = await refusalOf(() =>
    sendSubCommand(deps, step, paymentDecider, streamId, ids.request, { type: 'RequestPayment', data }),
  );
  // Someone else created the payment (a void that came first): the state below says what to do.
  if (requested && requested.rule !== 'payment_exists') throw requested;

  const before = await readPayment();
  if (before.status === 'Requested') await settle(deps, before.payment, step);
  else await reportEarlierAnswer(deps, step, streamId, ids.record);
  const conclusion = concludeAuthorization(await readPayment());
  switch (conclusion.outcome) {
    case 'authorized':
      return { outcome: 'authorized', authorizationId: conclusion.authorizationId };
    case 'declined':
      await giveBackPointsAndCoupon(deps, step, conclusion.giveBack);
      return { outcome: 'declined', reason: conclusion.reason };
    case 'voided':
      await giveBackPointsAndCoupon(deps, step, conclusion.giveBack);
      throw ruleBroken('payment_not_awaiting_authorization', `payment of order ${data.orderId} was voided`);
    case 'unanswered':
      // settle() always records an answer or throws, so only a concurrent writer bug leads here.
      throw new Error(`payment of order ${data.orderId} is still ${conclusion.status} after authorization`);
    default:
      return assertNever(conclusion);
  }
};

/**
 * The step ran before and recorded the payment's answer: tell the caller what that was, as a first run would
 * have, so a repeated step (after a crash) reports the same events.
 */
const reportEarlierAnswer = async (
  deps: AuthorizePaymentDependencies,
  step: PaymentStepContext,
  streamId: string,
  recordCommandId: string,
): Promise<void> => {
  if (!step.recorded) return;
  const events = await deps.store.readStream(streamId);
  step.recorded(events.filter((event) => event.metadata.commandId === recordCommandId));
};

/** Asks and records until the payment has its answer. */
const settle = async (
  deps: AuthorizePaymentDependencies,
  payment: RequestedPayment,
  step: PaymentStepContext,
): Promise<void> => {
  const ids = subCommandIds(step.commandId);
  const paymentStream = paymentStreamId(payment.orderId);
  let progress: AuthorizationProgress = {};
  for (;;) {
    const action = nextAuthorizationAction(payment, progress);
    switch (action.type) {
      case 'SpendPoints': {
        const streamId = pointsStreamId(action.data.customerId);
        const points = await answerOf('spent' as const, () =>
          sendSubCommand(deps, step, pointsDecider, streamId, ids.spendPoints, action),
        );
        progress = { ...progress, points };
        break;
      }
      case 'RedeemCoupon': {
        const streamId = couponStreamId(action.data.code);
        const coupon = await answerOf('redeemed' as const, () =>
          sendSubCommand(deps, step, couponDecider, streamId, ids.redeemCoupon, action),
        );
        progress = { ...progress, coupon };
        break;
      }
      case 'AskGateway': {
        const gateway = await authorizeBeforeDeadline(deps.gateway, action.request, {
          clock: deps.clock,
          timeoutMs: deps.gatewayTimeoutMs,
          deadlineAt: step.deadlineAt,
        });
        progress = { ...progress, gateway };
        break;
      }
      case 'RecordAuthorization':
      case 'RecordDecline':
        return unlessNoLongerAwaited(() =>
          sendSubCommand(deps, step, paymentDecider, paymentStream, ids.record, action),
        );
      default:
        return assertNever(action);
    }
  }
};

import { couponDecider } from '../../domain/coupon/coupon-decider.ts';
import { assertNever } from '../../domain/decider.ts';
import { type DomainError, isDomainError, ruleBroken } from '../../domain/errors.ts';
import { paymentDecider } from '../../domain/payment/payment-decider.ts';
import type { PaymentGateway } from '../../domain/payment/payment-gateway.ts';
import type { PaymentState, RequestedPayment } from '../../domain/payment/state.ts';
import { gatewayPartOf } from '../../domain/payment-plan/payment-part.ts';
import { pointsDecider } from '../../domain/points/points-decider.ts';
import { couponStreamId, paymentStreamId, pointsStreamId } from '../../domain/streams.ts';
import { readState } from '../command-handler.ts';
import { authorizeBeforeDeadline } from './authorize-before-deadline.ts';
import { giveBackPointsAndCoupon } from './give-back.ts';
import {
  type AuthorizationOutcome,
  type AuthorizePaymentData,
  internalAuthorizationId,
  type PaymentStepContext,
  subCommandIds,
} from './payment-step.ts';
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

// The payment stopped waiting for an answer meanwhile (a duplicate run recorded one, or the saga voided it):
// the state read afterwards decides what the step reports.
const unlessNoLongerAwaited = async (call: () => Promise<unknown>): Promise<void> => {
  const refusal = await refusalOf(call);
  if (refusal && refusal.rule !== 'payment_not_awaiting_authorization') throw refusal;
};

/**
 * Authorizes an order's payment: request it, spend the points, redeem the coupon, ask the gateway for the card
 * or BNPL part, then record the answer. Every write carries an id derived from the step's, so running the step
 * again after a crash at any point repeats nothing: it finds what it did and carries on from there.
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
  return conclude(deps, await readPayment(), step, data.orderId);
};

const settle = async (
  deps: AuthorizePaymentDependencies,
  payment: RequestedPayment,
  step: PaymentStepContext,
): Promise<void> => {
  const ids = subCommandIds(step.commandId);
  const { orderId, customerId, parts } = payment;
  const paymentStream = paymentStreamId(orderId);
  const decline = (reason: string) =>
    unlessNoLongerAwaited(() =>
      sendSubCommand(deps, step, paymentDecider, paymentStream, ids.record, {
        type: 'RecordDecline',
        data: { orderId, reason },
      }),
    );
  const authorize = (authorizationId: string) =>
    unlessNoLongerAwaited(() =>
      sendSubCommand(deps, step, paymentDecider, paymentStream, ids.record, {
        type: 'RecordAuthorization',
        data: { orderId, authorizationId },
      }),
    );

  const points = parts.find((part) => part.method === 'points');
  if (points) {
    const refusal = await refusalOf(() =>
      sendSubCommand(deps, step, pointsDecider, pointsStreamId(customerId), ids.spendPoints, {
        type: 'SpendPoints',
        data: { customerId, orderId, amount: points.amount },
      }),
    );
    if (refusal) return decline(refusal.rule ?? refusal.code);
  }

  const coupon = parts.find((part) => part.method === 'coupon');
  if (coupon?.couponCode) {
    const code = coupon.couponCode;
    const refusal = await refusalOf(() =>
      sendSubCommand(deps, step, couponDecider, couponStreamId(code), ids.redeemCoupon, {
        type: 'RedeemCoupon',
        data: { code, orderId, amount: coupon.amount },
      }),
    );
    // The payment-plan rules call a coupon that does not exist `coupon_unknown`; the aggregate says 404.
    if (refusal) return decline(refusal.code === 'not_found' ? 'coupon_unknown' : (refusal.rule ?? refusal.code));
  }

  const gatewayPart = gatewayPartOf(parts);
  if (!gatewayPart) return authorize(internalAuthorizationId(orderId));

  const answer = await authorizeBeforeDeadline(
    deps.gateway,
    { orderId, method: gatewayPart.method, amount: gatewayPart.amount, token: gatewayPart.token },
    { clock: deps.clock, timeoutMs: deps.gatewayTimeoutMs, deadlineAt: step.deadlineAt },
  );
  return answer.outcome === 'approved' ? authorize(answer.authorizationId) : decline(answer.reason);
};

/** What the payment's recorded state means for the step; a declined or voided payment keeps nothing spent. */
const conclude = async (
  deps: AuthorizePaymentDependencies,
  state: PaymentState,
  step: PaymentStepContext,
  orderId: string,
): Promise<AuthorizationOutcome> => {
  switch (state.status) {
    case 'Authorized':
    case 'Captured':
    case 'Refunded':
      return { outcome: 'authorized', authorizationId: state.authorizationId };
    case 'Declined':
      await giveBackPointsAndCoupon(deps, step, state.payment);
      return { outcome: 'declined', reason: state.reason };
    case 'Voided':
      await giveBackPointsAndCoupon(deps, step, state.payment);
      throw ruleBroken('payment_not_awaiting_authorization', `payment of order ${orderId} was voided`);
    case 'Empty':
    case 'Requested':
      // settle() always records an answer or throws, so only a concurrent writer bug leads here.
      throw new Error(`payment of order ${orderId} is still ${state.status} after authorization`);
    default:
      return assertNever(state);
  }
};

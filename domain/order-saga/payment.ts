import type { RedeemCoupon, RestoreCoupon } from '../coupon/commands.ts';
import { assertNever } from '../decider.ts';
import type { RecordAuthorization, RecordDecline } from '../payment/commands.ts';
import type { AuthorizationRequest, AuthorizationResult } from '../payment/payment-gateway.ts';
import type { PaymentState } from '../payment/state.ts';
import { gatewayPartOf, type PaymentPart } from '../payment-plan/payment-part.ts';
import type { RefundPoints, SpendPoints } from '../points/commands.ts';

/**
 * The decisions of the `authorize-payment` step: what to do next given what the step has learned so far
 * (spend the points, redeem the coupon, ask the gateway, record the answer), what a refusal means for the
 * payment, and what a payment that ended without a charge gives back. `commands/payment/` runs them.
 */

/** Whose money the payment holds: the points account and the coupon come from the parts. */
export interface PaymentHolder {
  orderId: string;
  customerId: string;
  parts: readonly PaymentPart[];
}

/** An aggregate refused a command (its DomainError's code and rule). */
export interface Refusal {
  code: string;
  rule?: string;
}

/** What the step has heard back so far; a field is absent until its question was asked. */
export interface AuthorizationProgress {
  points?: 'spent' | Refusal;
  coupon?: 'redeemed' | Refusal;
  gateway?: AuthorizationResult;
}

type Data<C extends { data: unknown }> = C['data'];

export type AuthorizationAction =
  | { type: 'SpendPoints'; data: Data<SpendPoints> }
  | { type: 'RedeemCoupon'; data: Data<RedeemCoupon> }
  | { type: 'AskGateway'; request: AuthorizationRequest }
  | { type: 'RecordAuthorization'; data: Data<RecordAuthorization> }
  | { type: 'RecordDecline'; data: Data<RecordDecline> };

/** The authorization id recorded when points and coupons pay the whole order and no gateway is called. */
export const internalAuthorizationId = (orderId: string): string => `internal-${orderId}`;

const refusalReason = (refusal: Refusal): string => refusal.rule ?? refusal.code;

/**
 * The next thing the step does. Points are spent first, then the coupon is redeemed, then the gateway is asked
 * for the card or BNPL part; the first refusal declines the payment (what was spent is given back with it).
 */
export const nextAuthorizationAction = (
  { orderId, customerId, parts }: PaymentHolder,
  progress: AuthorizationProgress,
): AuthorizationAction => {
  const decline = (reason: string): AuthorizationAction => ({ type: 'RecordDecline', data: { orderId, reason } });
  const authorize = (authorizationId: string): AuthorizationAction => ({
    type: 'RecordAuthorization',
    data: { orderId, authorizationId },
  });

  const points = parts.find((part) => part.method === 'points');
  if (points && progress.points === undefined) {
    return { type: 'SpendPoints', data: { customerId, orderId, amount: points.amount } };
  }
  if (typeof progress.points === 'object') return decline(refusalReason(progress.points));

  const coupon = parts.find((part) => part.method === 'coupon');
  if (coupon?.couponCode && progress.coupon === undefined) {
    return { type: 'RedeemCoupon', data: { code: coupon.couponCode, orderId, amount: coupon.amount } };
  }
  if (typeof progress.coupon === 'object') {
    // The payment-plan rules call a coupon that does not exist `coupon_unknown`; the aggregate says 404.
    return decline(progress.coupon.code === 'not_found' ? 'coupon_unknown' : refusalReason(progress.coupon));
  }

  const gatewayPart = gatewayPartOf(parts);
  if (!gatewayPart) return authorize(internalAuthorizationId(orderId));
  const answer = progress.gateway;
  if (answer === undefined) {
    const { method, amount, token } = gatewayPart;
    return { type: 'AskGateway', request: { orderId, method, amount, token } };
  }
  return answer.outcome === 'approved' ? authorize(answer.authorizationId) : decline(answer.reason);
};

export type AuthorizationOutcome =
  | { outcome: 'authorized'; authorizationId: string }
  | { outcome: 'declined'; reason: string };

/**
 * What the payment's recorded state means for the step. A declined or voided payment keeps nothing spent
 * (`giveBack` names whose points and coupon); a voided one is no answer to the step at all; one still open
 * was left unanswered by a writer.
 */
export type AuthorizationConclusion =
  | { outcome: 'authorized'; authorizationId: string }
  | { outcome: 'declined'; reason: string; giveBack: PaymentHolder }
  | { outcome: 'voided'; giveBack: PaymentHolder }
  | { outcome: 'unanswered'; status: 'Empty' | 'Requested' };

export const concludeAuthorization = (state: PaymentState): AuthorizationConclusion => {
  switch (state.status) {
    case 'Authorized':
    case 'Captured':
    case 'Refunded':
      return { outcome: 'authorized', authorizationId: state.authorizationId };
    case 'Declined':
      return { outcome: 'declined', reason: state.reason, giveBack: state.payment };
    case 'Voided':
      return { outcome: 'voided', giveBack: state.payment };
    case 'Empty':
    case 'Requested':
      return { outcome: 'unanswered', status: state.status };
    default:
      return assertNever(state);
  }
};

export type GiveBackCommand =
  | { type: 'RefundPoints'; data: Data<RefundPoints> }
  | { type: 'RestoreCoupon'; data: Data<RestoreCoupon> };

/**
 * What a payment that ended without a charge (declined, voided, refunded) gives back: the points the order
 * spent and the coupon it redeemed. Both aggregates answer `[]` when there is nothing (left) to give back, so
 * the commands are safe after a refusal, a decline, or a second time.
 */
export const giveBackCommands = ({ orderId, customerId, parts }: PaymentHolder): GiveBackCommand[] => {
  const points = parts.find((part) => part.method === 'points');
  const coupon = parts.find((part) => part.method === 'coupon');
  return [
    ...(points ? [{ type: 'RefundPoints' as const, data: { customerId, orderId } }] : []),
    ...(coupon?.couponCode ? [{ type: 'RestoreCoupon' as const, data: { code: coupon.couponCode, orderId } }] : []),
  ];
};

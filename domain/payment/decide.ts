import { assertNever } from '../decider.ts';
import { conflict, notFound, ruleBroken } from '../errors.ts';
import { gatewayPartOf, normalizePaymentPart } from '../payment-plan/payment-part.ts';
import { paymentPlanFieldErrors } from '../payment-plan/payment-plan-fields.ts';
import { assertPaymentPlanRules } from '../payment-plan/payment-plan-rules.ts';
import { FieldErrors, isNonEmptyString, isNonNegativeInteger } from '../validation.ts';
import type {
  CapturePayment,
  PaymentCommand,
  RecordAuthorization,
  RecordDecline,
  RefundPayment,
  RequestPayment,
  VoidPayment,
} from './commands.ts';
import type { PaymentEvent } from './events.ts';
import type { PaymentState } from './state.ts';

const assertReasonGiven = (reason: unknown): void =>
  new FieldErrors().check(isNonEmptyString(reason), 'reason', 'is required').throwIfAny('a reason is required');

const existing = (state: PaymentState, orderId: string): Exclude<PaymentState, { status: 'Empty' }> => {
  if (state.status === 'Empty') throw notFound(`no payment was requested for order ${orderId}`);
  return state;
};

const gatewayAmount = (state: Exclude<PaymentState, { status: 'Empty' }>): number =>
  gatewayPartOf(state.payment.parts)?.amount ?? 0;

/** Points and coupon balances are checked by their own aggregates when the saga spends them. */
const requestPayment = ({ data, metadata }: RequestPayment, state: PaymentState): PaymentEvent[] => {
  new FieldErrors()
    .check(isNonEmptyString(data.orderId), 'orderId', 'is required')
    .check(isNonEmptyString(data.customerId), 'customerId', 'is required')
    .check(isNonNegativeInteger(data.total), 'total', 'must be an integer >= 0 (minor units)')
    .add(paymentPlanFieldErrors(data.parts, 'parts'))
    .throwIfAny('the payment request is not well formed');
  if (state.status !== 'Empty') throw conflict(`a payment for order ${data.orderId} exists`, 'payment_exists');
  const parts = data.parts.map(normalizePaymentPart);
  assertPaymentPlanRules(parts, data.total);
  const { orderId, customerId, total } = data;
  return [{ type: 'PaymentRequested', data: { orderId, customerId, parts, total, requestedAt: metadata.now } }];
};

const recordAuthorization = ({ data, metadata }: RecordAuthorization, state: PaymentState): PaymentEvent[] => {
  new FieldErrors()
    .check(isNonEmptyString(data.authorizationId), 'authorizationId', 'is required')
    .throwIfAny('an authorization id is required');
  const payment = existing(state, data.orderId);
  if (payment.status === 'Requested') {
    return [
      {
        type: 'PaymentAuthorized',
        data: { orderId: payment.payment.orderId, authorizationId: data.authorizationId, authorizedAt: metadata.now },
      },
    ];
  }
  if ('authorizationId' in payment && payment.authorizationId === data.authorizationId) return [];
  throw ruleBroken('payment_not_awaiting_authorization', `payment of order ${data.orderId} is ${payment.status}`);
};

const recordDecline = ({ data, metadata }: RecordDecline, state: PaymentState): PaymentEvent[] => {
  assertReasonGiven(data.reason);
  const payment = existing(state, data.orderId);
  if (payment.status === 'Declined') return [];
  if (payment.status !== 'Requested') {
    throw ruleBroken('payment_not_awaiting_authorization', `payment of order ${data.orderId} is ${payment.status}`);
  }
  return [
    {
      type: 'PaymentDeclined',
      data: { orderId: payment.payment.orderId, reason: data.reason, declinedAt: metadata.now },
    },
  ];
};

const capturePayment = ({ data, metadata }: CapturePayment, state: PaymentState): PaymentEvent[] => {
  const payment = existing(state, data.orderId);
  if (payment.status === 'Captured' || payment.status === 'Refunded') return [];
  if (payment.status !== 'Authorized') {
    throw ruleBroken('payment_not_authorized', `payment of order ${data.orderId} is ${payment.status}`);
  }
  return [
    {
      type: 'PaymentCaptured',
      data: {
        orderId: payment.payment.orderId,
        authorizationId: payment.authorizationId,
        amount: gatewayAmount(payment),
        capturedAt: metadata.now,
      },
    },
  ];
};

/** A declined payment holds nothing, so voiding it is already done. */
const voidPayment = ({ data, metadata }: VoidPayment, state: PaymentState): PaymentEvent[] => {
  assertReasonGiven(data.reason);
  const payment = existing(state, data.orderId);
  switch (payment.status) {
    case 'Requested':
    case 'Authorized':
      return [
        {
          type: 'PaymentVoided',
          data: {
            orderId: payment.payment.orderId,
            reason: data.reason,
            ...(payment.status === 'Authorized' ? { authorizationId: payment.authorizationId } : {}),
            voidedAt: metadata.now,
          },
        },
      ];
    case 'Voided':
    case 'Declined':
      return [];
    case 'Captured':
    case 'Refunded':
      throw ruleBroken('payment_already_captured', `payment of order ${data.orderId} was captured: refund it`);
    default:
      return assertNever(payment);
  }
};

const refundPayment = ({ data, metadata }: RefundPayment, state: PaymentState): PaymentEvent[] => {
  assertReasonGiven(data.reason);
  const payment = existing(state, data.orderId);
  if (payment.status === 'Refunded') return [];
  if (payment.status !== 'Captured') {
    throw ruleBroken('payment_not_captured', `payment of order ${data.orderId} is ${payment.status}`);
  }
  return [
    {
      type: 'PaymentRefunded',
      data: {
        orderId: payment.payment.orderId,
        authorizationId: payment.authorizationId,
        amount: gatewayAmount(payment),
        reason: data.reason,
        refundedAt: metadata.now,
      },
    },
  ];
};

export const decidePayment = (command: PaymentCommand, state: PaymentState): PaymentEvent[] => {
  switch (command.type) {
    case 'RequestPayment':
      return requestPayment(command, state);
    case 'RecordAuthorization':
      return recordAuthorization(command, state);
    case 'RecordDecline':
      return recordDecline(command, state);
    case 'CapturePayment':
      return capturePayment(command, state);
    case 'VoidPayment':
      return voidPayment(command, state);
    case 'RefundPayment':
      return refundPayment(command, state);
    default:
      return assertNever(command);
  }
};

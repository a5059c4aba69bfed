import type { PaymentPart } from '../../domain/payment-plan/payment-part.ts';

/** Who asks, and until when: the saga step the payment operation runs for. */
export interface PaymentStepContext {
  /** The step's command id (`saga-<orderId>:<step>`); every sub-command id derives from it. */
  commandId: string;
  correlationId: string;
  causationId: string;
  /** ISO instant after which an answer from the gateway no longer helps the saga. */
  deadlineAt?: string;
}

export interface AuthorizePaymentData {
  orderId: string;
  customerId: string;
  parts: PaymentPart[];
  total: number;
}

export interface CapturePaymentData {
  orderId: string;
}

/** The parts name the points account and the coupon to give back. */
export interface VoidPaymentData {
  orderId: string;
  customerId: string;
  parts: PaymentPart[];
  reason: string;
}

export type RefundPaymentData = VoidPaymentData;

export type AuthorizationOutcome =
  | { outcome: 'authorized'; authorizationId: string }
  | { outcome: 'declined'; reason: string };

/**
 * The id of each sub-command a step sends. Each is deduplicated by the stream it lands on, so a step
 * executed again after a crash finds the earlier outcome instead of spending, redeeming or charging again.
 */
export const subCommandIds = (stepCommandId: string) => ({
  request: `${stepCommandId}:request`,
  spendPoints: `${stepCommandId}:points`,
  redeemCoupon: `${stepCommandId}:coupon`,
  /** One id for RecordAuthorization and RecordDecline: whichever lands first is the step's answer. */
  record: `${stepCommandId}:record`,
  refundPoints: `${stepCommandId}:points-back`,
  restoreCoupon: `${stepCommandId}:coupon-back`,
  capture: `${stepCommandId}:capture`,
  void: `${stepCommandId}:void`,
  refund: `${stepCommandId}:refund`,
});

/** The authorization id recorded when points and coupons pay the whole order and no gateway is called. */
export const internalAuthorizationId = (orderId: string): string => `internal-${orderId}`;

import type { HandledEvent } from '../command-handler.ts';

/** Who asks, and until when: the saga step the payment operation runs for. */
export interface PaymentStepContext {
  /** The step's command id (`saga-<orderId>:<step>`); every sub-command id derives from it. */
  commandId: string;
  correlationId: string;
  causationId: string;
  /** ISO instant after which an answer from the gateway no longer helps the saga. */
  deadlineAt?: string;
  /**
   * Told what each sub-command recorded (or found recorded by an earlier run of the step), so the saga's
   * runner learns what the step caused without waiting for it to come round through Kafka.
   */
  recorded?: (events: readonly HandledEvent[]) => void;
}

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

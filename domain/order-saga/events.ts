import type { Event } from '../message.ts';
import type { CancellationReason } from '../order/commands.ts';
import type { PaymentPart } from '../payment-plan/payment-part.ts';
import type { ScheduledCommand } from './steps.ts';

/**
 * The events of stream `saga-<orderId>`. Folding them alone rebuilds the saga: what it observed of the
 * aggregates is recorded here too (`SagaLineReserved`, `SagaPaymentAuthorized`, ...). Every event names
 * its order and carries `at` (the decision's `metadata.now`), so a read model can draw a timeline.
 */

export interface SagaLine {
  sku: string;
  quantity: number;
}

export const compensationReasons = [
  'out_of_stock',
  'payment_declined',
  'payment_timeout',
  /** The customer cancelled the order (pending or confirmed). */
  'customer_request',
  /** The order was cancelled for a system reason the saga did not give. */
  'order_cancelled',
  'operator_request',
] as const;
export type CompensationReason = (typeof compensationReasons)[number];

export type DeadlineName = 'payment' | 'retry';

interface Timed {
  orderId: string;
  at: string;
}

interface StepAttempt {
  orderId: string;
  /** `<step>#<attempt>` */
  stepId: string;
  step: string;
  attempt: number;
}

export type SagaStarted = Event<
  'SagaStarted',
  Timed & { customerId: string; lines: SagaLine[]; payment: PaymentPart[]; total: number }
>;
export type SagaStepScheduled = Event<
  'SagaStepScheduled',
  StepAttempt & {
    command: ScheduledCommand;
    scheduledAt: string;
    /** For `authorize-payment`: the payment deadline, after which an answer no longer helps. */
    deadlineAt?: string;
  }
>;
export type SagaStepSucceeded = Event<'SagaStepSucceeded', StepAttempt & { at: string }>;
export type SagaStepFailed = Event<
  'SagaStepFailed',
  StepAttempt & {
    error: string;
    /** The DomainError rule that refused the command, when it was one. */
    rule?: string;
    transient: boolean;
    /** Set when another attempt follows at this instant (a `retry` deadline is set with it). */
    retryAt?: string;
    at: string;
  }
>;
/** A forward step waiting for its retry is dropped because the saga compensates. */
export type SagaStepAbandoned = Event<'SagaStepAbandoned', StepAttempt & { at: string }>;
export type SagaDeadlineSet = Event<
  'SagaDeadlineSet',
  Timed & { deadlineId: string; name: DeadlineName; dueAt: string; stepId?: string }
>;
export type SagaDeadlineCleared = Event<
  'SagaDeadlineCleared',
  Timed & { deadlineId: string; reason: 'reached' | 'obsolete' }
>;
export type SagaCompensationStarted = Event<
  'SagaCompensationStarted',
  Timed & { reason: CompensationReason; detail?: string }
>;
export type SagaCompleted = Event<'SagaCompleted', Timed>;
export type SagaCompensated = Event<'SagaCompensated', Timed>;
export type SagaStuck = Event<'SagaStuck', Timed & { stepId: string; step: string; lastError: string }>;
export type SagaResumed = Event<'SagaResumed', Timed>;

export type SagaLineReserved = Event<'SagaLineReserved', Timed & { sku: string }>;
export type SagaLineRejected = Event<
  'SagaLineRejected',
  Timed & { sku: string; reason: 'out_of_stock' | 'unknown_sku' }
>;
export type SagaLineReleased = Event<'SagaLineReleased', Timed & { sku: string }>;
export type SagaLineCommitted = Event<'SagaLineCommitted', Timed & { sku: string }>;
export type SagaLineReturned = Event<'SagaLineReturned', Timed & { sku: string }>;

export type SagaPaymentAuthorized = Event<'SagaPaymentAuthorized', Timed & { authorizationId: string }>;
export type SagaPaymentDeclined = Event<'SagaPaymentDeclined', Timed & { reason: string }>;
export type SagaPaymentCaptured = Event<'SagaPaymentCaptured', Timed & { amount: number }>;
export type SagaPaymentVoided = Event<'SagaPaymentVoided', Timed>;
export type SagaPaymentRefunded = Event<'SagaPaymentRefunded', Timed & { amount: number }>;

export type SagaOrderConfirmed = Event<'SagaOrderConfirmed', Timed>;
export type SagaOrderCancelled = Event<
  'SagaOrderCancelled',
  Timed & { reason: CancellationReason; previousStatus: 'pending' | 'confirmed' }
>;

export type SagaLineObserved =
  | SagaLineReserved
  | SagaLineRejected
  | SagaLineReleased
  | SagaLineCommitted
  | SagaLineReturned;
export type SagaPaymentObserved =
  | SagaPaymentAuthorized
  | SagaPaymentDeclined
  | SagaPaymentCaptured
  | SagaPaymentVoided
  | SagaPaymentRefunded;
export type SagaOrderObserved = SagaOrderConfirmed | SagaOrderCancelled;

export type SagaEvent =
  | SagaStarted
  | SagaStepScheduled
  | SagaStepSucceeded
  | SagaStepFailed
  | SagaStepAbandoned
  | SagaDeadlineSet
  | SagaDeadlineCleared
  | SagaCompensationStarted
  | SagaCompleted
  | SagaCompensated
  | SagaStuck
  | SagaResumed
  | SagaLineObserved
  | SagaPaymentObserved
  | SagaOrderObserved;

export type SagaEventType = SagaEvent['type'];

const sagaEventTypeSet: Record<SagaEventType, true> = {
  SagaStarted: true,
  SagaStepScheduled: true,
  SagaStepSucceeded: true,
  SagaStepFailed: true,
  SagaStepAbandoned: true,
  SagaDeadlineSet: true,
  SagaDeadlineCleared: true,
  SagaCompensationStarted: true,
  SagaCompleted: true,
  SagaCompensated: true,
  SagaStuck: true,
  SagaResumed: true,
  SagaLineReserved: true,
  SagaLineRejected: true,
  SagaLineReleased: true,
  SagaLineCommitted: true,
  SagaLineReturned: true,
  SagaPaymentAuthorized: true,
  SagaPaymentDeclined: true,
  SagaPaymentCaptured: true,
  SagaPaymentVoided: true,
  SagaPaymentRefunded: true,
  SagaOrderConfirmed: true,
  SagaOrderCancelled: true,
};

export const sagaEventTypes = Object.keys(sagaEventTypeSet) as SagaEventType[];

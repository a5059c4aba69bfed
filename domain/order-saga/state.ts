import { assertNever } from '../decider.ts';
import type { PaymentPart } from '../payment-plan/payment-part.ts';
import type { CompensationReason, DeadlineName } from './events.ts';
import type { ScheduledCommand } from './steps.ts';
import { lineStep } from './steps.ts';

/** `pending`: the reservation was asked for and no answer was observed yet. */
export type LineStatus = 'pending' | 'reserved' | 'rejected' | 'released' | 'committed' | 'returned';

export interface LineProgress {
  sku: string;
  quantity: number;
  status: LineStatus;
}

/** What the saga observed of the payment; whether it was requested follows from its steps. */
export type PaymentStatus = 'none' | 'authorized' | 'declined' | 'captured' | 'voided' | 'refunded';

export type OrderStatus = 'pending' | 'confirmed' | 'cancelled';

/**
 * `awaiting_retry`: failed, another attempt is due at a retry deadline; `failed`: no further attempt
 * (handled, or the saga is stuck on it); `abandoned`: a retry dropped because the saga compensates.
 */
export type StepStatus = 'in_flight' | 'succeeded' | 'awaiting_retry' | 'failed' | 'abandoned';

export interface StepProgress {
  step: string;
  stepId: string;
  attempt: number;
  command: ScheduledCommand;
  status: StepStatus;
  lastError?: string;
  rule?: string;
}

export interface ActiveDeadline {
  deadlineId: string;
  name: DeadlineName;
  dueAt: string;
  stepId?: string;
}

export interface StuckStep {
  step: string;
  stepId: string;
  lastError: string;
}

export type SagaStatus = 'running' | 'completed' | 'compensating' | 'compensated' | 'stuck';

export interface StartedSaga {
  /** `stuck` while any step is stuck; the phase it returns to is `compensating` when `compensation` is set. */
  status: SagaStatus;
  orderId: string;
  customerId: string;
  lines: LineProgress[];
  payment: PaymentPart[];
  total: number;
  paymentStatus: PaymentStatus;
  orderStatus: OrderStatus;
  compensation?: { reason: CompensationReason; detail?: string };
  /** By step name, in the order first scheduled. */
  steps: Record<string, StepProgress>;
  deadlines: Record<string, ActiveDeadline>;
  stuck: StuckStep[];
}

export type SagaState = { status: 'not_started' } | StartedSaga;

export const initialSagaState = (): SagaState => ({ status: 'not_started' });

export const isFinished = (saga: StartedSaga): boolean => saga.status === 'completed' || saga.status === 'compensated';

export const lineOf = (saga: StartedSaga, sku: string): LineProgress | undefined =>
  saga.lines.find((line) => line.sku === sku);

export const stepOf = (saga: StartedSaga, step: string): StepProgress | undefined => saga.steps[step];

/** No attempt of the step runs or will run: it ended in failure or its retry was dropped. */
export const hasGivenUp = (progress: StepProgress | undefined): boolean =>
  progress?.status === 'failed' || progress?.status === 'abandoned';

/**
 * A line whose reservation attempts ended without an answer: the stock may or may not be held,
 * so compensation releases it (a release without a reservation changes nothing).
 */
export const isReservationUnresolved = (saga: StartedSaga, line: LineProgress): boolean =>
  line.status === 'pending' && hasGivenUp(stepOf(saga, lineStep('reserve', line.sku)));

export const isPaymentRequested = (saga: StartedSaga): boolean => stepOf(saga, 'authorize-payment') !== undefined;

/** A void refused with `not_found`: the payment service never recorded a payment, so nothing is held. */
export const voidFoundNoPayment = (saga: StartedSaga): boolean => {
  const voidStep = stepOf(saga, 'void-payment');
  return voidStep?.status === 'failed' && voidStep.rule === 'not_found';
};

/** Nothing of the customer's money is held any more (or was never asked for). */
export const isPaymentSettled = (saga: StartedSaga): boolean => {
  switch (saga.paymentStatus) {
    case 'declined':
    case 'voided':
    case 'refunded':
      return true;
    case 'none':
      return !isPaymentRequested(saga) || voidFoundNoPayment(saga);
    case 'authorized':
    case 'captured':
      return false;
    default:
      return assertNever(saga.paymentStatus);
  }
};

/** The line holds no stock for the order and never will again. */
export const isLineSettled = (line: LineProgress): boolean =>
  line.status === 'rejected' || line.status === 'released' || line.status === 'returned';

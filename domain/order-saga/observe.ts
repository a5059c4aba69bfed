import { assertNever } from '../decider.ts';
import { isMovingForward, startCompensation } from './compensation.ts';
import { clearDeadline, type Decision, instantAfter, scheduleStep, setDeadline } from './decision.ts';
import { parseSagaStepId, paymentDeadlineId, retryDeadlineId } from './ids.ts';
import type { ObservedDomainEvent, StepFailed, StepReport, StepSucceeded } from './inputs.ts';
import { retryDelayMs } from './options.ts';
import { isFinished, type LineStatus, lineOf, type StepProgress, voidFoundNoPayment } from './state.ts';
import { isForwardStep, parseStepName, type SagaStep, type SagaStepKind } from './steps.ts';

/** Records a line's new status when the observation moves it on from one of `from`; false for a repeat. */
const lineMoved = (
  d: Decision,
  sku: string,
  from: readonly LineStatus[],
  record: (base: { orderId: string; sku: string; at: string }) => void,
): boolean => {
  const line = lineOf(d.saga, sku);
  if (!line || !from.includes(line.status)) return false;
  record({ orderId: d.saga.orderId, sku, at: d.now });
  return true;
};

const clearPaymentDeadline = (d: Decision) => clearDeadline(d, paymentDeadlineId(d.saga.orderId), 'obsolete');

/**
 * A domain event the saga observed. Each is recorded as a saga event only when it changes what the
 * saga knows, so a redelivered event decides nothing. Triggers of compensation are handled here;
 * the steps that follow are scheduled by the reconciliation after it.
 */
export const observe = (d: Decision, input: ObservedDomainEvent): void => {
  const { orderId } = d.saga;
  if (input.data.orderId !== orderId) return;
  const at = d.now;
  switch (input.type) {
    case 'OrderPlaced':
      return;
    case 'OrderConfirmed':
      if (d.saga.orderStatus === 'pending') d.emit({ type: 'SagaOrderConfirmed', data: { orderId, at } });
      return;
    case 'OrderCancelled': {
      if (d.saga.orderStatus === 'cancelled') return;
      const { reason, previousStatus } = input.data;
      d.emit({ type: 'SagaOrderCancelled', data: { orderId, reason, previousStatus, at } });
      if (d.saga.compensation === undefined && d.saga.status !== 'compensated') {
        startCompensation(d, reason === 'customer_request' ? 'customer_request' : 'order_cancelled', reason);
      }
      return;
    }
    case 'StockReserved':
      lineMoved(d, input.data.sku, ['pending'], (data) => d.emit({ type: 'SagaLineReserved', data }));
      return;
    case 'StockReservationRejected': {
      const { sku } = input.data;
      const rejected = lineMoved(d, sku, ['pending'], (data) =>
        d.emit({ type: 'SagaLineRejected', data: { ...data, reason: 'out_of_stock' } }),
      );
      if (rejected && isMovingForward(d.saga)) startCompensation(d, 'out_of_stock', sku);
      return;
    }
    case 'StockReleased':
      lineMoved(d, input.data.sku, ['pending', 'reserved'], (data) => d.emit({ type: 'SagaLineReleased', data }));
      return;
    case 'ReservationCommitted':
      lineMoved(d, input.data.sku, ['pending', 'reserved'], (data) => d.emit({ type: 'SagaLineCommitted', data }));
      return;
    case 'StockReturned':
      lineMoved(d, input.data.sku, ['committed'], (data) => d.emit({ type: 'SagaLineReturned', data }));
      return;
    case 'PaymentAuthorized': {
      if (d.saga.paymentStatus !== 'none') return;
      d.emit({ type: 'SagaPaymentAuthorized', data: { orderId, authorizationId: input.data.authorizationId, at } });
      clearPaymentDeadline(d);
      // The void already ran and found no payment: this authorization came later, so void again.
      if (d.saga.compensation && voidFoundNoPayment(d.saga)) scheduleStep(d, { kind: 'void-payment' });
      return;
    }
    case 'PaymentDeclined': {
      if (d.saga.paymentStatus !== 'none') return;
      d.emit({ type: 'SagaPaymentDeclined', data: { orderId, reason: input.data.reason, at } });
      clearPaymentDeadline(d);
      if (isMovingForward(d.saga)) startCompensation(d, 'payment_declined', input.data.reason);
      return;
    }
    case 'PaymentCaptured':
      if (d.saga.paymentStatus !== 'none' && d.saga.paymentStatus !== 'authorized') return;
      d.emit({ type: 'SagaPaymentCaptured', data: { orderId, amount: input.data.amount, at } });
      clearPaymentDeadline(d);
      return;
    case 'PaymentVoided':
      if (d.saga.paymentStatus !== 'none' && d.saga.paymentStatus !== 'authorized') return;
      d.emit({ type: 'SagaPaymentVoided', data: { orderId, at } });
      clearPaymentDeadline(d);
      return;
    case 'PaymentRefunded':
      if (d.saga.paymentStatus !== 'captured') return;
      d.emit({ type: 'SagaPaymentRefunded', data: { orderId, amount: input.data.amount, at } });
      return;
    default:
      assertNever(input);
  }
};

/** The step's current attempt when it is the one reported and still awaits its outcome. */
const attemptInFlight = (d: Decision, stepId: string): { progress: StepProgress; step: SagaStep } | undefined => {
  const parsed = parseSagaStepId(stepId);
  const progress = parsed && d.saga.steps[parsed.step];
  const step = parsed && parseStepName(parsed.step);
  if (!progress || !step || progress.stepId !== stepId || progress.status !== 'in_flight') return undefined;
  return { progress, step };
};

export const stepSucceeded = (d: Decision, { stepId: reported }: StepSucceeded['data']): void => {
  const current = attemptInFlight(d, reported);
  if (!current) return;
  const { orderId } = d.saga;
  const { step, stepId, attempt } = current.progress;
  d.emit({ type: 'SagaStepSucceeded', data: { orderId, stepId, step, attempt, at: d.now } });
  // A release after reservation attempts that ended without an answer: whatever was held is free now.
  if (current.step.kind === 'release' && lineOf(d.saga, current.step.sku)?.status === 'pending') {
    d.emit({ type: 'SagaLineReleased', data: { orderId, sku: current.step.sku, at: d.now } });
  }
};

/**
 * Refusals that answer the step rather than fault it: races with the customer or between the saga's
 * own steps. The domain event that won the race drives what follows.
 */
const expectedRefusals: Partial<Record<SagaStepKind, readonly string[]>> = {
  // The gateway gave no answer in time; the charge may still go through, so the payment deadline decides.
  'authorize-payment': ['gateway_no_answer'],
  // The customer cancelled in between: the OrderCancelled input starts compensation.
  'confirm-order': ['order_cancelled'],
  // No payment to void, or it was captured first (PaymentCaptured then calls for a refund).
  'void-payment': ['not_found', 'payment_already_captured'],
  // The customer cancelled first.
  'cancel-order': ['order_already_cancelled'],
};

/** An unknown SKU cannot be reserved: the line is out of stock. */
const rejectUnknownSku = (d: Decision, sku: string): void => {
  if (lineOf(d.saga, sku)?.status !== 'pending') return;
  d.emit({ type: 'SagaLineRejected', data: { orderId: d.saga.orderId, sku, reason: 'unknown_sku', at: d.now } });
  if (isMovingForward(d.saga)) startCompensation(d, 'out_of_stock', sku);
};

export const stepFailed = (d: Decision, failure: StepFailed['data']): void => {
  const current = attemptInFlight(d, failure.stepId);
  if (!current) return;
  const { error, rule, transient } = failure;
  const { step, stepId, attempt } = current.progress;
  const recordFailure = (retryAt?: string) =>
    d.emit({
      type: 'SagaStepFailed',
      data: {
        orderId: d.saga.orderId,
        stepId,
        step,
        attempt,
        error,
        ...(rule === undefined ? {} : { rule }),
        transient,
        ...(retryAt === undefined ? {} : { retryAt }),
        at: d.now,
      },
    });

  if (!transient && current.step.kind === 'reserve' && rule === 'not_found') {
    recordFailure();
    rejectUnknownSku(d, current.step.sku);
    return;
  }
  if (!transient && rule !== undefined && expectedRefusals[current.step.kind]?.includes(rule)) {
    recordFailure();
    return;
  }

  // The outcome no longer matters: the saga is finished, or compensation settles what the step may have done.
  if (isFinished(d.saga) || (isForwardStep(current.step.kind) && d.saga.compensation)) {
    recordFailure();
    return;
  }

  if (transient && attempt < d.options.maxAttempts) {
    const retryAt = instantAfter(d.now, retryDelayMs(d.options, attempt));
    recordFailure(retryAt);
    setDeadline(d, retryDeadlineId(d.saga.orderId, stepId), 'retry', retryAt, stepId);
    return;
  }

  recordFailure();
  d.emit({ type: 'SagaStuck', data: { orderId: d.saga.orderId, stepId, step, lastError: error, at: d.now } });
};

/** Each report in turn: its outcome, then what its commands recorded, as if each had come as an input. */
export const stepsExecuted = (d: Decision, reports: readonly StepReport[]): void => {
  for (const report of reports) {
    if (!report.ok) {
      const { stepId, error, rule, transient } = report;
      stepFailed(d, { stepId, error, ...(rule === undefined ? {} : { rule }), transient });
      continue;
    }
    stepSucceeded(d, { stepId: report.stepId });
    for (const event of report.events) observe(d, event);
  }
};

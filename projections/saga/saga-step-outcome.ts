import { isMovingForward, startCompensation } from './saga-compensation.ts';
import { type Decision, instantAfter } from './saga-decision.ts';
import type { StepFailed, StepSucceeded } from './saga-inputs.ts';
import { retryDelayMs } from './saga-options.ts';
import { setDeadline } from './saga-schedule.ts';
import { isFinished, lineOf, type StepProgress } from './saga-state.ts';
import { isForwardStep, parseStepName, type SagaStep, type SagaStepKind } from './saga-steps.ts';
import { parseSagaStepId, retryDeadlineId } from './saga-streams.ts';

/** The step's current attempt when it is the one reported and still awaits its outcome. */
const attemptInFlight = (d: Decision, stepId: string): { progress: StepProgress; step: SagaStep } | undefined => {
  const parsed = parseSagaStepId(stepId);
  const progress = parsed && d.saga.steps[parsed.step];
  const step = parsed && parseStepName(parsed.step);
  if (!progress || !step || progress.stepId !== stepId || progress.status !== 'in_flight') return undefined;
  return { progress, step };
};

export const stepSucceeded = (d: Decision, input: StepSucceeded): void => {
  const current = attemptInFlight(d, input.data.stepId);
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

export const stepFailed = (d: Decision, input: StepFailed): void => {
  const current = attemptInFlight(d, input.data.stepId);
  if (!current) return;
  const { error, rule, transient } = input.data;
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

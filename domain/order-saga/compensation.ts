import type { Decision } from './decision.ts';
import { cancellationReasonFor, clearAllDeadlines, clearDeadline, scheduleOnce } from './decision.ts';
import type { CompensationReason } from './events.ts';
import {
  isFinished,
  isLineSettled,
  isPaymentRequested,
  isPaymentSettled,
  isReservationUnresolved,
  type StartedSaga,
  voidFoundNoPayment,
} from './state.ts';
import { isForwardStep, parseStepName } from './steps.ts';

/** The saga still moves the order forward: not compensating, not finished (it may be stuck). */
export const isMovingForward = (saga: StartedSaga): boolean => saga.compensation === undefined && !isFinished(saga);

/**
 * Turns the saga around: the payment deadline no longer matters and forward steps waiting for a retry
 * are dropped. Steps already in flight run on; compensation reacts to whatever they cause.
 */
export const startCompensation = (d: Decision, reason: CompensationReason, detail?: string): void => {
  d.emit({
    type: 'SagaCompensationStarted',
    data: { orderId: d.saga.orderId, reason, ...(detail === undefined ? {} : { detail }), at: d.now },
  });
  for (const deadline of Object.values(d.saga.deadlines)) {
    if (deadline.name === 'payment') {
      clearDeadline(d, deadline.deadlineId, 'obsolete');
      continue;
    }
    const progress = Object.values(d.saga.steps).find((step) => step.stepId === deadline.stepId);
    const kind = progress && parseStepName(progress.step)?.kind;
    if (!progress || !kind || !isForwardStep(kind) || progress.status !== 'awaiting_retry') continue;
    const { step, stepId, attempt } = progress;
    d.emit({ type: 'SagaStepAbandoned', data: { orderId: d.saga.orderId, stepId, step, attempt, at: d.now } });
    clearDeadline(d, deadline.deadlineId, 'obsolete');
  }
};

const needsVoid = (saga: StartedSaga): boolean =>
  saga.paymentStatus === 'authorized' ||
  (saga.paymentStatus === 'none' && isPaymentRequested(saga) && !voidFoundNoPayment(saga));

/** Schedules every undo the saga's state calls for, then ends the compensation once nothing is held. */
export const compensate = (d: Decision): void => {
  if (needsVoid(d.saga)) scheduleOnce(d, { kind: 'void-payment' });
  if (d.saga.paymentStatus === 'captured') scheduleOnce(d, { kind: 'refund-payment' });

  for (const line of d.saga.lines) {
    if (line.status === 'reserved' || isReservationUnresolved(d.saga, line)) {
      scheduleOnce(d, { kind: 'release', sku: line.sku });
    }
    if (line.status === 'committed') scheduleOnce(d, { kind: 'return', sku: line.sku });
  }

  const reason = d.saga.compensation?.reason;
  if (reason && cancellationReasonFor(reason) && d.saga.orderStatus === 'pending') {
    scheduleOnce(d, { kind: 'cancel-order' });
  }

  const saga = d.saga;
  if (saga.orderStatus === 'cancelled' && saga.lines.every(isLineSettled) && isPaymentSettled(saga)) {
    clearAllDeadlines(d);
    d.emit({ type: 'SagaCompensated', data: { orderId: saga.orderId, at: d.now } });
  }
};

import { assertNever } from '../decider.ts';
import { notFound, ruleBroken, validationError } from '../errors.ts';
import { isNonEmptyString } from '../validation.ts';
import { compensate, isMovingForward, startCompensation } from './compensation.ts';
import {
  assertInstant,
  clearAllDeadlines,
  clearDeadline,
  createDecision,
  type Decision,
  instantAfter,
  scheduleOnce,
  scheduleStep,
  setDeadline,
} from './decision.ts';
import type { SagaEvent, SagaStarted } from './events.ts';
import { startedSagaOf } from './evolve.ts';
import { parseSagaStepId, paymentDeadlineId, sagaStepId } from './ids.ts';
import type { CompensationRequested, DeadlineReached, RetryRequested, SagaInput } from './inputs.ts';
import { observe, stepFailed, stepSucceeded, stepsExecuted } from './observe.ts';
import type { SagaOptions } from './options.ts';
import { isFinished, type SagaState } from './state.ts';
import { parseStepName } from './steps.ts';

/**
 * Moves the order forward: reserve every line at once, authorize the payment once all are reserved
 * (under a deadline), then confirm, commit and capture together; complete once all three are observed.
 */
const advance = (d: Decision): void => {
  for (const line of d.saga.lines) scheduleOnce(d, { kind: 'reserve', sku: line.sku });

  if (d.saga.lines.every((line) => line.status === 'reserved') && !d.saga.steps['authorize-payment']) {
    const dueAt = instantAfter(d.now, d.options.paymentTimeoutMs);
    const deadlineId = paymentDeadlineId(d.saga.orderId);
    setDeadline(d, deadlineId, 'payment', dueAt, sagaStepId('authorize-payment', 1));
    scheduleOnce(d, { kind: 'authorize-payment' });
  }

  if (d.saga.paymentStatus === 'authorized' || d.saga.paymentStatus === 'captured') {
    scheduleOnce(d, { kind: 'confirm-order' });
    for (const line of d.saga.lines) {
      if (line.status === 'reserved') scheduleOnce(d, { kind: 'commit', sku: line.sku });
    }
    scheduleOnce(d, { kind: 'capture-payment' });
  }

  const saga = d.saga;
  if (
    saga.orderStatus === 'confirmed' &&
    saga.paymentStatus === 'captured' &&
    saga.lines.every((line) => line.status === 'committed')
  ) {
    clearAllDeadlines(d);
    d.emit({ type: 'SagaCompleted', data: { orderId: saga.orderId, at: d.now } });
  }
};

/** A deadline fires once: it is cleared as it fires, and a deadline no longer set decides nothing. */
const deadlineReached = (d: Decision, input: DeadlineReached): void => {
  const deadline = d.saga.deadlines[input.data.deadlineId];
  if (!deadline) return;
  clearDeadline(d, deadline.deadlineId, 'reached');
  switch (deadline.name) {
    case 'payment':
      if (isMovingForward(d.saga) && d.saga.paymentStatus === 'none') startCompensation(d, 'payment_timeout');
      return;
    case 'retry': {
      const parsed = deadline.stepId === undefined ? undefined : parseSagaStepId(deadline.stepId);
      const progress = parsed && d.saga.steps[parsed.step];
      const step = parsed && parseStepName(parsed.step);
      if (step && progress && progress.stepId === deadline.stepId && progress.status === 'awaiting_retry')
        scheduleStep(d, step);
      return;
    }
    default:
      assertNever(deadline.name);
  }
};

/** Resumes a stuck saga: every stuck step gets one more attempt. */
const retryRequested = (d: Decision, _input: RetryRequested): void => {
  const { stuck, status, orderId } = d.saga;
  if (status !== 'stuck') throw ruleBroken('saga_not_stuck', `the saga of order ${orderId} is ${status}, not stuck`);
  d.emit({ type: 'SagaResumed', data: { orderId, at: d.now } });
  for (const { step } of stuck) {
    const parsed = parseStepName(step);
    if (parsed) scheduleStep(d, parsed);
  }
};

/**
 * Gives up on the order. Refused once the order is being confirmed: the system cannot cancel a
 * confirmed order, only the customer can (with a refund and a restock).
 */
const compensationRequested = (d: Decision, input: CompensationRequested): void => {
  const { reason } = input.data;
  if (!isNonEmptyString(reason)) {
    throw validationError('a reason is required', [{ field: 'reason', message: 'is required' }]);
  }
  const { orderId, status } = d.saga;
  if (isFinished(d.saga)) {
    throw ruleBroken('saga_already_finished', `the saga of order ${orderId} is already ${status}`);
  }
  if (d.saga.compensation) {
    throw ruleBroken('saga_already_compensating', `the saga of order ${orderId} already compensates`);
  }
  if (d.saga.steps['confirm-order']) {
    throw ruleBroken('order_confirmed', `order ${orderId} is confirmed or being confirmed; cancel it as the customer`);
  }
  startCompensation(d, 'operator_request', reason);
};

/**
 * Schedules what the saga's state calls for and has not been scheduled yet. Runs after every input
 * that changed something, so the state is always reconciled; a stuck saga waits for an operator.
 */
const reconcile = (d: Decision): void => {
  switch (d.saga.status) {
    case 'running':
      advance(d);
      return;
    case 'compensating':
      compensate(d);
      return;
    case 'stuck':
    case 'completed':
    case 'compensated':
      return;
    default:
      assertNever(d.saga.status);
  }
};

const react = (d: Decision, input: SagaInput): void => {
  switch (input.type) {
    case 'OrderPlaced':
    case 'OrderConfirmed':
    case 'OrderCancelled':
    case 'StockReserved':
    case 'StockReservationRejected':
    case 'StockReleased':
    case 'ReservationCommitted':
    case 'StockReturned':
    case 'PaymentAuthorized':
    case 'PaymentDeclined':
    case 'PaymentCaptured':
    case 'PaymentVoided':
    case 'PaymentRefunded':
      observe(d, input);
      return;
    case 'StepSucceeded':
      stepSucceeded(d, input.data);
      return;
    case 'StepFailed':
      stepFailed(d, input.data);
      return;
    case 'StepsExecuted':
      stepsExecuted(d, input.data.reports);
      return;
    case 'DeadlineReached':
      deadlineReached(d, input);
      return;
    case 'RetryRequested':
      retryRequested(d, input);
      return;
    case 'CompensationRequested':
      compensationRequested(d, input);
      return;
    default:
      assertNever(input);
  }
};

/** The saga begins with the order; every other input about an order without a saga changes nothing. */
const decideNotStarted = (input: SagaInput, options: SagaOptions): SagaEvent[] => {
  switch (input.type) {
    case 'OrderPlaced': {
      const { orderId, customerId, lines, payment, total } = input.data;
      const started: SagaStarted = {
        type: 'SagaStarted',
        data: {
          orderId,
          customerId,
          lines: lines.map(({ sku, quantity }) => ({ sku, quantity })),
          payment,
          total,
          at: input.metadata.now,
        },
      };
      const d = createDecision(startedSagaOf(started), input.metadata.now, options);
      reconcile(d);
      return [started, ...d.events];
    }
    case 'RetryRequested':
    case 'CompensationRequested':
      throw notFound('no saga runs for this order');
    default:
      return [];
  }
};

export const createSagaDecide =
  (options: SagaOptions) =>
  (input: SagaInput, state: SagaState): SagaEvent[] => {
    assertInstant(input.metadata.now);
    if (state.status === 'not_started') return decideNotStarted(input, options);
    const d = createDecision(state, input.metadata.now, options);
    react(d, input);
    // An input that changed nothing decides nothing: a repeat never schedules a step twice.
    if (d.events.length > 0) reconcile(d);
    return [...d.events];
  };

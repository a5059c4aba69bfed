import { ruleBroken, validationError } from '../../domain/errors.ts';
import { isNonEmptyString } from '../../domain/validation.ts';
import { startCompensation } from './saga-compensation.ts';
import type { Decision } from './saga-decision.ts';
import type { CompensationRequested, RetryRequested } from './saga-inputs.ts';
import { scheduleStep } from './saga-schedule.ts';
import { isFinished } from './saga-state.ts';
import { parseStepName } from './saga-steps.ts';

/** Resumes a stuck saga: every stuck step gets one more attempt. */
export const retryRequested = (d: Decision, _input: RetryRequested): void => {
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
export const compensationRequested = (d: Decision, input: CompensationRequested): void => {
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

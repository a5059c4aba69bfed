import { assertNever } from '../../domain/decider.ts';
import { isMovingForward, startCompensation } from './saga-compensation.ts';
import type { Decision } from './saga-decision.ts';
import type { DeadlineReached } from './saga-inputs.ts';
import { clearDeadline, scheduleStep } from './saga-schedule.ts';
import { parseStepName } from './saga-steps.ts';
import { parseSagaStepId } from './saga-streams.ts';

/** A deadline fires once: it is cleared as it fires, and a deadline no longer set decides nothing. */
export const deadlineReached = (d: Decision, input: DeadlineReached): void => {
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

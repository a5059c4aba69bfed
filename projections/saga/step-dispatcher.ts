import type pg from 'pg';
import type { PaymentService } from '../../commands/payment/payment-service.ts';
import { executeStep, type StepOutcome } from '../../commands/saga-steps/execute-step.ts';
import type { SagaDeadlineCleared, SagaDeadlineSet, SagaStepScheduled } from '../../domain/order-saga/events.ts';
import { sagaCommandId } from '../../domain/order-saga/ids.ts';
import type { StepFailed, StepSucceeded } from '../../domain/order-saga/inputs.ts';
import type { SagaState } from '../../domain/order-saga/state.ts';
import type { EventEnvelope } from '../../schemas/kafka-envelope.ts';
import { jsonLineLog } from '../kafka/json-line-log.ts';
import { recordDeadlineCleared, recordDeadlineSet } from './deadline-store.ts';
import { feedSaga, loadSaga, type SagaStoreDependencies } from './operations.ts';

export interface StepDispatcherDependencies extends SagaStoreDependencies {
  payments: PaymentService;
  /** The `saga_deadlines` table's pool. */
  pool: pg.Pool;
  clock?: () => Date;
  log?: (line: Record<string, unknown>) => void;
}

/**
 * The attempt still waits for its outcome: it is the step's current attempt and nothing was recorded for it.
 * A later attempt, an outcome, or an abandoned retry means a redelivered or late record must not run it.
 */
export const isStepPending = (saga: SagaState, step: string, stepId: string): boolean => {
  if (saga.status === 'not_started') return false;
  const progress = saga.steps[step];
  return progress?.stepId === stepId && progress.status === 'in_flight';
};

/** The command id under which the outcome of one attempt is fed back: the saga records it once. */
export const outcomeCommandId = (stepId: string): string => `outcome:${stepId}`;

export const outcomeInput = (
  stepId: string,
  outcome: StepOutcome,
  metadata: StepSucceeded['metadata'],
): StepSucceeded | StepFailed => {
  if (outcome.ok) return { type: 'StepSucceeded', data: { stepId }, metadata };
  const { error, rule, transient } = outcome;
  return {
    type: 'StepFailed',
    data: { stepId, error, ...(rule === undefined ? {} : { rule }), transient },
    metadata,
  };
};

/**
 * Handles the records of `saga-events` for consumer group `saga-steps`: runs each scheduled step that is
 * still pending and feeds its outcome back; copies deadlines into the table the poller scans. Everything
 * else on the topic is the saga's own record and is ignored here.
 */
export const createStepDispatcher = (deps: StepDispatcherDependencies) => {
  const clock = deps.clock ?? (() => new Date());
  const log = deps.log ?? jsonLineLog;

  const dispatch = async (scheduled: SagaStepScheduled['data'], envelope: EventEnvelope): Promise<void> => {
    const { orderId, step, stepId, command, deadlineAt } = scheduled;
    if (!isStepPending(await loadSaga(deps.store, orderId, deps.decider), step, stepId)) {
      log({ level: 'debug', msg: 'step no longer pending, skipped', orderId, stepId });
      return;
    }
    const outcome = await executeStep(
      { store: deps.store, payments: deps.payments, ...(deps.retries === undefined ? {} : { retries: deps.retries }) },
      {
        commandId: sagaCommandId(orderId, step),
        command,
        correlationId: orderId,
        causationId: envelope.eventId,
        now: clock(),
        ...(deadlineAt === undefined ? {} : { deadlineAt }),
      },
    );
    if (!outcome.ok) {
      log({
        level: 'warn',
        msg: 'step failed',
        orderId,
        stepId,
        rule: outcome.rule,
        transient: outcome.transient,
        error: outcome.error,
      });
    }
    await feedSaga(
      deps,
      orderId,
      outcomeInput(stepId, outcome, {
        commandId: outcomeCommandId(stepId),
        now: clock().toISOString(),
        correlationId: orderId,
        causationId: envelope.eventId,
      }),
    );
  };

  return async (envelope: EventEnvelope): Promise<void> => {
    switch (envelope.type) {
      case 'SagaStepScheduled':
        return dispatch(envelope.data as SagaStepScheduled['data'], envelope);
      case 'SagaDeadlineSet':
        return recordDeadlineSet(deps.pool, envelope.data as SagaDeadlineSet['data']);
      case 'SagaDeadlineCleared':
        return recordDeadlineCleared(deps.pool, envelope.data as SagaDeadlineCleared['data']);
      default:
        return;
    }
  };
};

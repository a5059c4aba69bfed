import type pg from 'pg';
import type { SagaDeadlineCleared, SagaDeadlineSet } from '../../domain/order-saga/events.ts';
import { orderIdOfSagaStream } from '../../domain/order-saga/ids.ts';
import type { EventEnvelope } from '../../schemas/kafka-envelope.ts';
import { jsonLineLog } from '../kafka/json-line-log.ts';
import { recordDeadlineCleared, recordDeadlineSet } from './deadline-store.ts';
import { runRounds, runsItsOwnSteps, type StepRunnerDependencies } from './step-runner.ts';

export interface StepDispatcherDependencies extends StepRunnerDependencies {
  /** The `saga_deadlines` table's pool. */
  pool: pg.Pool;
}

/**
 * Handles the records of `saga-events` for consumer group `saga-steps`: copies deadlines into the table the
 * poller scans, and executes the steps of decisions whose feeder does not execute them itself (a deadline
 * that fired, an operator's request), continuing round after round as the input runner does. Steps decided
 * under an input or a round of reports were executed by the runner that fed them (which commits its own
 * Kafka offset only afterwards, so a crash redelivers that input and its rounds run again); they are skipped.
 */
export const createStepDispatcher = (deps: StepDispatcherDependencies) => {
  const log = deps.log ?? jsonLineLog;

  const dispatch = async (envelope: EventEnvelope): Promise<void> => {
    if (runsItsOwnSteps(envelope.causationId)) return;
    const orderId = orderIdOfSagaStream(envelope.streamId);
    if (!orderId) {
      log({ level: 'warn', msg: 'step outside a saga stream, skipped', streamId: envelope.streamId });
      return;
    }
    // The step may be done already (a redelivery): runRounds checks it against the saga before executing.
    await runRounds(deps, orderId, {
      events: [{ id: envelope.eventId, type: envelope.type, data: envelope.data }],
      repeated: true,
    });
  };

  return async (envelope: EventEnvelope): Promise<void> => {
    switch (envelope.type) {
      case 'SagaStepScheduled':
        return dispatch(envelope);
      case 'SagaDeadlineSet':
        return recordDeadlineSet(deps.pool, envelope.data as SagaDeadlineSet['data']);
      case 'SagaDeadlineCleared':
        return recordDeadlineCleared(deps.pool, envelope.data as SagaDeadlineCleared['data']);
      default:
        return;
    }
  };
};

import type { HandledEvent } from '../../commands/command-handler.ts';
import type { PaymentService } from '../../commands/payment/payment-service.ts';
import { executeStep } from '../../commands/saga-steps/execute-step.ts';
import type { DomainEvent } from '../../domain/domain-event.ts';
import type { SagaStepScheduled } from '../../domain/order-saga/events.ts';
import { sagaCommandId } from '../../domain/order-saga/ids.ts';
import { isObservedDomainEvent, type SagaInput, type StepReport } from '../../domain/order-saga/inputs.ts';
import type { SagaState } from '../../domain/order-saga/state.ts';
import { sagaStepDuration } from '../../platform/metrics.ts';
import { jsonLineLog } from '../kafka/json-line-log.ts';
import { feedSaga, loadSaga, type SagaStoreDependencies } from './operations.ts';

export interface StepRunnerDependencies extends SagaStoreDependencies {
  payments: PaymentService;
  clock?: () => Date;
  log?: (line: Record<string, unknown>) => void;
}

type ScheduledStep = SagaStepScheduled['data'] & { eventId: string };

/** What a round needs of a decision: its events (the steps it scheduled) and whether it was a repeat. */
export interface Decided {
  events: readonly Pick<HandledEvent, 'id' | 'type' | 'data'>[];
  repeated?: boolean;
}

/**
 * The command id of the reports of the steps one decision scheduled. A step attempt is scheduled by exactly
 * one decision, so its first step names the round; run again, the round finds its reports recorded.
 */
export const reportsCommandId = (firstStepId: string): string => `steps:${firstStepId}`;

/** Decisions fed under these command ids are followed by a runner that executes their steps at once. */
const runnerCommandPrefixes = ['in:', 'steps:'];

/** Whether the steps of a decision made under this command id are executed by the runner that fed it. */
export const runsItsOwnSteps = (commandId: string | undefined): boolean =>
  commandId !== undefined && runnerCommandPrefixes.some((prefix) => commandId.startsWith(prefix));

/**
 * The attempt still waits for its outcome: it is the step's current attempt and nothing was recorded for it.
 * A later attempt, an outcome, or an abandoned retry means a repeated or late run must not execute it.
 */
export const isStepPending = (saga: SagaState, step: string, stepId: string): boolean => {
  if (saga.status === 'not_started') return false;
  const progress = saga.steps[step];
  return progress?.stepId === stepId && progress.status === 'in_flight';
};

const scheduledIn = (events: Decided['events']): ScheduledStep[] =>
  events
    .filter((event) => event.type === 'SagaStepScheduled')
    .map((event) => ({ ...(event.data as SagaStepScheduled['data']), eventId: event.id }));

/**
 * Feeds an input to its saga and executes every step the decision scheduled, then records their reports with
 * the next decision, and so on until a decision schedules nothing: the saga moves as far as it can without
 * waiting for its own events to come round through the relay and Kafka. Returns every saga event recorded.
 *
 * Safe to repeat after a crash at any point: the input and each round of reports are fed under deterministic
 * command ids, so a repeat finds what was recorded and follows the same rounds; a step is executed again only
 * while its attempt is still pending, and then its deterministic command id makes the aggregate apply it once.
 */
export const feedAndRun = async (
  deps: StepRunnerDependencies,
  orderId: string,
  input: SagaInput,
): Promise<HandledEvent[]> => {
  const fed = await feedSaga(deps, orderId, input);
  return [...fed.events, ...(await runRounds(deps, orderId, fed))];
};

/**
 * Executes the steps scheduled in `decided` and feeds their reports, round after round. The steps of a fresh
 * decision are pending by construction; those of a repeated one are checked against the saga first.
 */
export const runRounds = async (
  deps: StepRunnerDependencies,
  orderId: string,
  decided: Decided,
): Promise<HandledEvent[]> => {
  const clock = deps.clock ?? (() => new Date());
  const recorded: HandledEvent[] = [];
  let round: Decided = decided;
  for (;;) {
    const scheduled = scheduledIn(round.events);
    const first = scheduled[0];
    if (!first) return recorded;
    let pending = scheduled;
    if (round.repeated) {
      const saga = await loadSaga(deps.store, orderId, deps.decider);
      pending = scheduled.filter(({ step, stepId }) => isStepPending(saga, step, stepId));
    }
    const reports = await Promise.all(pending.map((step) => execute(deps, step)));
    const fed = await feedSaga(deps, orderId, {
      type: 'StepsExecuted',
      data: { reports },
      metadata: {
        commandId: reportsCommandId(first.stepId),
        now: clock().toISOString(),
        correlationId: orderId,
        causationId: first.eventId,
      },
    });
    recorded.push(...fed.events);
    round = fed;
  }
};

const execute = async (
  deps: StepRunnerDependencies,
  { orderId, step, stepId, command, deadlineAt, eventId }: ScheduledStep,
): Promise<StepReport> => {
  const clock = deps.clock ?? (() => new Date());
  const stepTimer = sagaStepDuration.startTimer({ step: command.type });
  const outcome = await executeStep(
    { store: deps.store, payments: deps.payments, ...(deps.retries === undefined ? {} : { retries: deps.retries }) },
    {
      commandId: sagaCommandId(orderId, step),
      command,
      correlationId: orderId,
      causationId: eventId,
      now: clock(),
      ...(deadlineAt === undefined ? {} : { deadlineAt }),
    },
  );
  stepTimer({ outcome: outcome.ok ? 'ok' : outcome.transient ? 'transient' : 'failed' });
  if (outcome.ok) {
    const events = outcome.events.map((event) => event as DomainEvent).filter(isObservedDomainEvent);
    return { stepId, ok: true, events };
  }
  const { error, rule, transient } = outcome;
  (deps.log ?? jsonLineLog)({ level: 'warn', msg: 'step failed', orderId, stepId, rule, transient, error });
  return { stepId, ok: false, error, ...(rule === undefined ? {} : { rule }), transient };
};

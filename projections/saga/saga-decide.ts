import { assertNever } from '../../domain/decider.ts';
import { notFound } from '../../domain/errors.ts';
import { advance } from './saga-advance.ts';
import { compensate } from './saga-compensation.ts';
import { deadlineReached } from './saga-deadline-reached.ts';
import { assertInstant, createDecision, type Decision } from './saga-decision.ts';
import type { SagaEvent, SagaStarted } from './saga-events.ts';
import { startedSagaOf } from './saga-evolve.ts';
import type { SagaInput } from './saga-inputs.ts';
import { observe } from './saga-observe.ts';
import { compensationRequested, retryRequested } from './saga-operator-requests.ts';
import type { SagaOptions } from './saga-options.ts';
import type { SagaState } from './saga-state.ts';
import { stepFailed, stepSucceeded } from './saga-step-outcome.ts';

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
      stepSucceeded(d, input);
      return;
    case 'StepFailed':
      stepFailed(d, input);
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

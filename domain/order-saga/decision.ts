import { assertNever } from '../decider.ts';
import { validationError } from '../errors.ts';
import type { CancellationReason } from '../order/commands.ts';
import { inventoryStreamId, orderStreamId, paymentStreamId } from '../streams.ts';
import type { CompensationReason, DeadlineName, SagaEvent } from './events.ts';
import { evolveStartedSaga } from './evolve.ts';
import { paymentDeadlineId, sagaCommandId, sagaStepId } from './ids.ts';
import type { SagaOptions } from './options.ts';
import type { StartedSaga } from './state.ts';
import { type SagaStep, type SagaStepCommand, type ScheduledCommand, stepName } from './steps.ts';

/**
 * One decision in progress: the events emitted so far and the saga as they leave it, so each rule
 * looks at the state the earlier rules of the same decision produced.
 */
export interface Decision {
  readonly now: string;
  readonly options: SagaOptions;
  readonly saga: StartedSaga;
  readonly events: readonly SagaEvent[];
  emit(event: SagaEvent): void;
}

export const createDecision = (saga: StartedSaga, now: string, options: SagaOptions): Decision => {
  let current = saga;
  const events: SagaEvent[] = [];
  return {
    now,
    options,
    get saga() {
      return current;
    },
    events,
    emit(event) {
      events.push(event);
      current = evolveStartedSaga(current, event);
    },
  };
};

/** The decision's clock; a malformed `metadata.now` is the caller's bug, answered with 400. */
export const assertInstant = (now: string): void => {
  if (typeof now !== 'string' || Number.isNaN(Date.parse(now))) {
    throw validationError(`not an ISO instant: ${String(now)}`, [
      { field: 'metadata.now', message: 'must be an ISO-8601 instant' },
    ]);
  }
};

export const instantAfter = (now: string, milliseconds: number): string =>
  new Date(Date.parse(now) + milliseconds).toISOString();

/** The order cancellation a compensation asks for; none when the order was cancelled by someone else. */
export const cancellationReasonFor = (reason: CompensationReason): CancellationReason | undefined => {
  switch (reason) {
    case 'out_of_stock':
    case 'payment_declined':
    case 'payment_timeout':
      return reason;
    case 'operator_request':
      return 'compensated';
    case 'customer_request':
    case 'order_cancelled':
      return undefined;
    default:
      return assertNever(reason);
  }
};

const quantityOf = (saga: StartedSaga, sku: string): number =>
  saga.lines.find((line) => line.sku === sku)?.quantity ?? 0;

const stepCommand = (saga: StartedSaga, step: SagaStep): { streamId: string; command: SagaStepCommand } => {
  const { orderId, customerId, payment: parts, total } = saga;
  const reason = saga.compensation?.reason ?? 'compensated';
  const paymentStream = paymentStreamId(orderId);
  switch (step.kind) {
    case 'reserve':
      return {
        streamId: inventoryStreamId(step.sku),
        command: { type: 'ReserveStock', data: { sku: step.sku, orderId, quantity: quantityOf(saga, step.sku) } },
      };
    case 'commit':
      return {
        streamId: inventoryStreamId(step.sku),
        command: { type: 'CommitReservation', data: { sku: step.sku, orderId } },
      };
    case 'release':
      return {
        streamId: inventoryStreamId(step.sku),
        command: { type: 'ReleaseStock', data: { sku: step.sku, orderId } },
      };
    case 'return':
      return {
        streamId: inventoryStreamId(step.sku),
        command: { type: 'ReturnStock', data: { sku: step.sku, orderId } },
      };
    case 'authorize-payment':
      return {
        streamId: paymentStream,
        command: { type: 'AuthorizePayment', data: { orderId, customerId, parts, total } },
      };
    case 'capture-payment':
      return { streamId: paymentStream, command: { type: 'CapturePayment', data: { orderId } } };
    case 'void-payment':
      return {
        streamId: paymentStream,
        command: { type: 'VoidPayment', data: { orderId, customerId, parts, reason } },
      };
    case 'refund-payment':
      return {
        streamId: paymentStream,
        command: { type: 'RefundPayment', data: { orderId, customerId, parts, reason } },
      };
    case 'confirm-order':
      return { streamId: orderStreamId(orderId), command: { type: 'ConfirmOrder', data: { orderId } } };
    case 'cancel-order': {
      const cancellation = saga.compensation && cancellationReasonFor(saga.compensation.reason);
      return {
        streamId: orderStreamId(orderId),
        command: { type: 'CancelOrder', data: { orderId, reason: cancellation ?? 'compensated' } },
      };
    }
    default:
      return assertNever(step);
  }
};

export const scheduledCommandFor = (saga: StartedSaga, step: SagaStep): ScheduledCommand => {
  const { streamId, command } = stepCommand(saga, step);
  return {
    type: command.type,
    streamId,
    commandId: sagaCommandId(saga.orderId, stepName(step)),
    dataJson: JSON.stringify(command.data),
  };
};

/**
 * Schedules the next attempt of a step (the first when it never ran). A repeated attempt sends the
 * command of the first, so the receiver sees one command id with one meaning.
 */
export const scheduleStep = (d: Decision, step: SagaStep): void => {
  const name = stepName(step);
  const earlier = d.saga.steps[name];
  const attempt = (earlier?.attempt ?? 0) + 1;
  const deadlineAt =
    step.kind === 'authorize-payment' ? d.saga.deadlines[paymentDeadlineId(d.saga.orderId)]?.dueAt : undefined;
  d.emit({
    type: 'SagaStepScheduled',
    data: {
      orderId: d.saga.orderId,
      stepId: sagaStepId(name, attempt),
      step: name,
      attempt,
      command: earlier?.command ?? scheduledCommandFor(d.saga, step),
      scheduledAt: d.now,
      ...(deadlineAt === undefined ? {} : { deadlineAt }),
    },
  });
};

/** Schedules the step unless it was scheduled before (whatever became of it). */
export const scheduleOnce = (d: Decision, step: SagaStep): void => {
  if (d.saga.steps[stepName(step)] === undefined) scheduleStep(d, step);
};

export const setDeadline = (d: Decision, deadlineId: string, name: DeadlineName, dueAt: string, stepId?: string) =>
  d.emit({
    type: 'SagaDeadlineSet',
    data: { orderId: d.saga.orderId, deadlineId, name, dueAt, ...(stepId === undefined ? {} : { stepId }), at: d.now },
  });

export const clearDeadline = (d: Decision, deadlineId: string, reason: 'reached' | 'obsolete'): void => {
  if (d.saga.deadlines[deadlineId] === undefined) return;
  d.emit({ type: 'SagaDeadlineCleared', data: { orderId: d.saga.orderId, deadlineId, reason, at: d.now } });
};

export const clearAllDeadlines = (d: Decision): void => {
  for (const deadlineId of Object.keys(d.saga.deadlines)) clearDeadline(d, deadlineId, 'obsolete');
};

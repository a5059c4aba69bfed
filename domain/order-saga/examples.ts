import type { CommandMetadata } from '../message.ts';
import type { CancellationReason } from '../order/commands.ts';
import type { OrderPlaced } from '../order/events.ts';
import { runCommands } from '../testing/run-commands.ts';
import { createSagaDecider, sagaDecider } from './decider.ts';
import type { SagaEvent } from './events.ts';
import { paymentDeadlineId, retryDeadlineId } from './ids.ts';
import type { ObservedDomainEvent, ObservedSagaInput, SagaInput, SagaInputType, StepReport } from './inputs.ts';
import type { SagaOptions } from './options.ts';

/**
 * Input builders for specs and examples. The order `o1` of customer `c1` has three lines and pays
 * 4,000 by card and 1,000 in points. Every input is decided at `now` unless told otherwise.
 */
export const sagaT0 = '2025-01-01T10:00:00.000Z';

export const exampleOrder: OrderPlaced['data'] = {
  orderId: 'o1',
  customerId: 'c1',
  lines: [
    { sku: 'sku-a', quantity: 2, unitPrice: 1000 },
    { sku: 'sku-b', quantity: 1, unitPrice: 2000 },
    { sku: 'sku-c', quantity: 2, unitPrice: 500 },
  ],
  total: 5000,
  currency: 'EUR',
  payment: [
    { method: 'card', amount: 4000, token: 'tok_ok' },
    { method: 'points', amount: 1000 },
  ],
  placedAt: sagaT0,
};

export const skus = exampleOrder.lines.map((line) => line.sku);

const metadataAt = (now: string): CommandMetadata => ({ commandId: `input-${now}`, now });

type InputOf<T extends SagaInputType> = Extract<SagaInput, { type: T }>;

const input = <T extends SagaInputType>(type: T, data: InputOf<T>['data'], now = sagaT0): InputOf<T> =>
  ({ type, data, metadata: metadataAt(now) }) as InputOf<T>;

const stock = { onHand: 10, available: 5 };

export const inputs = {
  placed: (now = sagaT0) => input('OrderPlaced', exampleOrder, now),
  confirmed: (now = sagaT0) => input('OrderConfirmed', { orderId: 'o1', confirmedAt: now }, now),
  cancelled: (
    previousStatus: 'pending' | 'confirmed' = 'pending',
    reason: CancellationReason = 'customer_request',
    now = sagaT0,
  ) => input('OrderCancelled', { orderId: 'o1', reason, previousStatus, requestedBy: 'c1', cancelledAt: now }, now),
  reserved: (sku: string, now = sagaT0) =>
    input('StockReserved', { sku, orderId: 'o1', quantity: quantityOf(sku), ...stock }, now),
  rejected: (sku: string, now = sagaT0) =>
    input('StockReservationRejected', { sku, orderId: 'o1', requested: quantityOf(sku), available: 0 }, now),
  released: (sku: string, now = sagaT0) =>
    input('StockReleased', { sku, orderId: 'o1', quantity: quantityOf(sku), ...stock }, now),
  committed: (sku: string, now = sagaT0) =>
    input('ReservationCommitted', { sku, orderId: 'o1', quantity: quantityOf(sku), ...stock }, now),
  returned: (sku: string, now = sagaT0) =>
    input('StockReturned', { sku, orderId: 'o1', quantity: quantityOf(sku), ...stock }, now),
  authorized: (now = sagaT0) =>
    input('PaymentAuthorized', { orderId: 'o1', authorizationId: 'auth_o1', authorizedAt: now }, now),
  declined: (reason = 'declined', now = sagaT0) =>
    input('PaymentDeclined', { orderId: 'o1', reason, declinedAt: now }, now),
  captured: (now = sagaT0) =>
    input('PaymentCaptured', { orderId: 'o1', authorizationId: 'auth_o1', amount: 4000, capturedAt: now }, now),
  voided: (now = sagaT0) =>
    input(
      'PaymentVoided',
      { orderId: 'o1', reason: 'payment_timeout', authorizationId: 'auth_o1', voidedAt: now },
      now,
    ),
  refunded: (now = sagaT0) =>
    input(
      'PaymentRefunded',
      { orderId: 'o1', authorizationId: 'auth_o1', amount: 4000, reason: 'customer_request', refundedAt: now },
      now,
    ),
  succeeded: (stepId: string, now = sagaT0) => input('StepSucceeded', { stepId }, now),
  failed: (stepId: string, failure: { error?: string; rule?: string; transient: boolean }, now = sagaT0) =>
    input(
      'StepFailed',
      {
        stepId,
        error: failure.error ?? 'failed',
        ...(failure.rule === undefined ? {} : { rule: failure.rule }),
        transient: failure.transient,
      },
      now,
    ),
  /** Reports of executed steps; a success lists the observed inputs (built above) its commands recorded. */
  executed: (reports: ExampleReport[], now = sagaT0) =>
    input(
      'StepsExecuted',
      {
        reports: reports.map((report): StepReport => {
          if (!report.ok) {
            const { stepId, error = 'failed', rule, transient } = report;
            return { stepId, ok: false, error, ...(rule === undefined ? {} : { rule }), transient };
          }
          const events = (report.caused ?? []).map(({ type, data }) => ({ type, data }) as ObservedDomainEvent);
          return { stepId: report.stepId, ok: true, events };
        }),
      },
      now,
    ),
  paymentDeadline: (now = sagaT0) => input('DeadlineReached', { deadlineId: paymentDeadlineId('o1') }, now),
  retryDeadline: (stepId: string, now = sagaT0) =>
    input('DeadlineReached', { deadlineId: retryDeadlineId('o1', stepId) }, now),
  retryRequested: (now = sagaT0) => input('RetryRequested', {}, now),
  compensationRequested: (reason = 'gateway down', now = sagaT0) => input('CompensationRequested', { reason }, now),
};

export type ExampleReport =
  | { stepId: string; ok: true; caused?: ObservedSagaInput[] }
  | { stepId: string; ok: false; error?: string; rule?: string; transient: boolean };

function quantityOf(sku: string): number {
  return exampleOrder.lines.find((line) => line.sku === sku)?.quantity ?? 0;
}

/** What the saga records for a sequence of inputs: a history built by real decisions. */
export const sagaHistory = (steps: SagaInput[], options?: Partial<SagaOptions>): SagaEvent[] =>
  runCommands(options ? createSagaDecider(options) : sagaDecider, steps);

/** Inputs up to: every line reserved, payment authorized, confirm/commit/capture scheduled. */
export const untilAuthorized = (): SagaInput[] => [
  inputs.placed(),
  ...skus.map((sku) => inputs.reserved(sku)),
  inputs.authorized(),
];

/** Inputs of the happy path up to `SagaCompleted`. */
export const untilCompleted = (): SagaInput[] => [
  ...untilAuthorized(),
  inputs.confirmed(),
  ...skus.map((sku) => inputs.committed(sku)),
  inputs.captured(),
];

/** Saga events of runs through every branch, covering every saga event type and optional field. */
export const sagaExampleEvents = (): SagaEvent[] => [
  // completes, then the customer cancels the confirmed order
  ...sagaHistory([
    ...untilCompleted(),
    inputs.succeeded('reserve:sku-a#1'),
    inputs.cancelled('confirmed'),
    inputs.refunded(),
    ...skus.map((sku) => inputs.returned(sku)),
  ]),
  // a line retried, stuck, resumed, retried again; the operator gives up; another line out of stock
  ...sagaHistory([
    inputs.placed(),
    inputs.reserved('sku-a'),
    inputs.failed('reserve:sku-b#1', { transient: true, error: 'timeout' }),
    inputs.retryDeadline('reserve:sku-b#1'),
    inputs.failed('reserve:sku-b#2', { transient: false, error: 'boom', rule: 'validation' }),
    inputs.retryRequested(),
    inputs.failed('reserve:sku-b#3', { transient: true }),
    inputs.compensationRequested(),
    inputs.rejected('sku-c'),
    inputs.released('sku-a'),
    inputs.succeeded('release:sku-b#1'),
    inputs.cancelled('pending', 'compensated'),
  ]),
  // the payment times out and is voided; declined in another run
  ...sagaHistory([
    ...[inputs.placed(), ...skus.map((sku) => inputs.reserved(sku))],
    inputs.paymentDeadline(),
    inputs.voided(),
    ...skus.map((sku) => inputs.released(sku)),
  ]),
  ...sagaHistory([inputs.placed(), ...skus.map((sku) => inputs.reserved(sku)), inputs.declined()]),
];

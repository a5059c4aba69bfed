import type { CancellationReason } from '../order/commands.ts';
import { deciderSpec } from '../testing/decider-spec.ts';
import type { SagaDecider } from './decider.ts';
import { sagaDecider } from './decider.ts';
import type { CompensationReason, SagaEvent } from './events.ts';
import { exampleOrder, sagaT0 } from './examples.ts';
import { parseSagaStepId, paymentDeadlineId, retryDeadlineId } from './ids.ts';
import type { SagaInput } from './inputs.ts';
import type { ScheduledCommand } from './steps.ts';

/**
 * Checks run on every event a spec names, given or expected. The domain knows no schema, so
 * `schemas/saga-specs.test.ts` registers the Avro round trip here and runs the specs again with it.
 */
export const specEventChecks: ((event: SagaEvent) => void)[] = [];

/** Given/when/then over the saga decider; every event in a spec also passes `specEventChecks`. */
export const sagaSpec = (decider: SagaDecider = sagaDecider) => {
  const spec = deciderSpec(decider);
  return {
    given: (history: SagaEvent[]) => ({
      when: (input: SagaInput) => {
        const then = spec.given(history).when(input);
        return {
          // biome-ignore lint/suspicious/noThenProperty: given/when/then reads like the domain; never awaited.
          then: (expected: SagaEvent[]) => {
            then.then(expected);
            for (const event of [...history, ...expected]) for (const check of specEventChecks) check(event);
          },
          thenThrows: then.thenThrows,
        };
      },
    }),
  };
};

const orderId = 'o1';
const parts = exampleOrder.payment;

/** The commands the specs expect, written out rather than derived from the code under test. */
const expectedCommand = (step: string, reason: string): ScheduledCommand => {
  const [kind = '', sku = ''] = step.split(':');
  const quantity = exampleOrder.lines.find((line) => line.sku === sku)?.quantity;
  const inventory = (type: ScheduledCommand['type'], data: object): ScheduledCommand => ({
    type,
    streamId: `inventory-${sku}`,
    commandId: `saga-o1:${step}`,
    dataJson: JSON.stringify(data),
  });
  const to = (type: ScheduledCommand['type'], streamId: string, data: object): ScheduledCommand => ({
    type,
    streamId,
    commandId: `saga-o1:${step}`,
    dataJson: JSON.stringify(data),
  });
  switch (kind) {
    case 'reserve':
      return inventory('ReserveStock', { sku, orderId, quantity });
    case 'commit':
      return inventory('CommitReservation', { sku, orderId });
    case 'release':
      return inventory('ReleaseStock', { sku, orderId });
    case 'return':
      return inventory('ReturnStock', { sku, orderId });
    case 'authorize-payment':
      return to('AuthorizePayment', 'payment-o1', { orderId, customerId: 'c1', parts, total: 5000 });
    case 'capture-payment':
      return to('CapturePayment', 'payment-o1', { orderId });
    case 'void-payment':
      return to('VoidPayment', 'payment-o1', { orderId, customerId: 'c1', parts, reason });
    case 'refund-payment':
      return to('RefundPayment', 'payment-o1', { orderId, customerId: 'c1', parts, reason });
    case 'confirm-order':
      return to('ConfirmOrder', 'order-o1', { orderId });
    case 'cancel-order':
      return to('CancelOrder', 'order-o1', { orderId, reason });
    default:
      throw new Error(`no expected command for step ${step}`);
  }
};

const attemptOf = (stepId: string) => {
  const parsed = parseSagaStepId(stepId);
  if (!parsed) throw new Error(`not a step id: ${stepId}`);
  return { orderId, stepId, ...parsed };
};

export const paymentDueAt = '2025-01-01T10:00:30.000Z';

/** Expected saga events of order `o1`, decided at `at` (default: the specs' fixed instant). */
export const expected = {
  started: (at = sagaT0): SagaEvent => ({
    type: 'SagaStarted',
    data: {
      orderId,
      customerId: 'c1',
      lines: [
        { sku: 'sku-a', quantity: 2 },
        { sku: 'sku-b', quantity: 1 },
        { sku: 'sku-c', quantity: 2 },
      ],
      payment: parts,
      total: 5000,
      at,
    },
  }),
  /** `reason` is what void, refund and cancel carry. */
  scheduled: (
    stepId: string,
    { at = sagaT0, deadlineAt, reason = '' }: { at?: string; deadlineAt?: string; reason?: string } = {},
  ): SagaEvent => {
    const attempt = attemptOf(stepId);
    return {
      type: 'SagaStepScheduled',
      data: {
        ...attempt,
        command: expectedCommand(attempt.step, reason),
        scheduledAt: at,
        ...(deadlineAt === undefined ? {} : { deadlineAt }),
      },
    };
  },
  succeeded: (stepId: string, at = sagaT0): SagaEvent => ({
    type: 'SagaStepSucceeded',
    data: { ...attemptOf(stepId), at },
  }),
  failed: (
    stepId: string,
    failure: { error?: string; rule?: string; transient: boolean; retryAt?: string },
    at = sagaT0,
  ): SagaEvent => ({
    type: 'SagaStepFailed',
    data: {
      ...attemptOf(stepId),
      error: failure.error ?? 'failed',
      ...(failure.rule === undefined ? {} : { rule: failure.rule }),
      transient: failure.transient,
      ...(failure.retryAt === undefined ? {} : { retryAt: failure.retryAt }),
      at,
    },
  }),
  abandoned: (stepId: string, at = sagaT0): SagaEvent => ({
    type: 'SagaStepAbandoned',
    data: { ...attemptOf(stepId), at },
  }),
  paymentDeadlineSet: (dueAt = paymentDueAt, at = sagaT0): SagaEvent => ({
    type: 'SagaDeadlineSet',
    data: {
      orderId,
      deadlineId: paymentDeadlineId(orderId),
      name: 'payment',
      dueAt,
      stepId: 'authorize-payment#1',
      at,
    },
  }),
  retryDeadlineSet: (stepId: string, dueAt: string, at = sagaT0): SagaEvent => ({
    type: 'SagaDeadlineSet',
    data: { orderId, deadlineId: retryDeadlineId(orderId, stepId), name: 'retry', dueAt, stepId, at },
  }),
  paymentDeadlineCleared: (reason: 'reached' | 'obsolete', at = sagaT0): SagaEvent => ({
    type: 'SagaDeadlineCleared',
    data: { orderId, deadlineId: paymentDeadlineId(orderId), reason, at },
  }),
  retryDeadlineCleared: (stepId: string, reason: 'reached' | 'obsolete', at = sagaT0): SagaEvent => ({
    type: 'SagaDeadlineCleared',
    data: { orderId, deadlineId: retryDeadlineId(orderId, stepId), reason, at },
  }),
  compensationStarted: (reason: CompensationReason, detail?: string, at = sagaT0): SagaEvent => ({
    type: 'SagaCompensationStarted',
    data: { orderId, reason, ...(detail === undefined ? {} : { detail }), at },
  }),
  completed: (at = sagaT0): SagaEvent => ({ type: 'SagaCompleted', data: { orderId, at } }),
  compensated: (at = sagaT0): SagaEvent => ({ type: 'SagaCompensated', data: { orderId, at } }),
  stuck: (stepId: string, lastError = 'failed', at = sagaT0): SagaEvent => {
    const { step } = attemptOf(stepId);
    return { type: 'SagaStuck', data: { orderId, stepId, step, lastError, at } };
  },
  resumed: (at = sagaT0): SagaEvent => ({ type: 'SagaResumed', data: { orderId, at } }),
  lineReserved: (sku: string, at = sagaT0): SagaEvent => ({ type: 'SagaLineReserved', data: { orderId, sku, at } }),
  lineRejected: (sku: string, reason: 'out_of_stock' | 'unknown_sku', at = sagaT0): SagaEvent => ({
    type: 'SagaLineRejected',
    data: { orderId, sku, reason, at },
  }),
  lineReleased: (sku: string, at = sagaT0): SagaEvent => ({ type: 'SagaLineReleased', data: { orderId, sku, at } }),
  lineCommitted: (sku: string, at = sagaT0): SagaEvent => ({ type: 'SagaLineCommitted', data: { orderId, sku, at } }),
  lineReturned: (sku: string, at = sagaT0): SagaEvent => ({ type: 'SagaLineReturned', data: { orderId, sku, at } }),
  paymentAuthorized: (at = sagaT0): SagaEvent => ({
    type: 'SagaPaymentAuthorized',
    data: { orderId, authorizationId: 'auth_o1', at },
  }),
  paymentDeclined: (reason = 'declined', at = sagaT0): SagaEvent => ({
    type: 'SagaPaymentDeclined',
    data: { orderId, reason, at },
  }),
  paymentCaptured: (at = sagaT0): SagaEvent => ({ type: 'SagaPaymentCaptured', data: { orderId, amount: 4000, at } }),
  paymentVoided: (at = sagaT0): SagaEvent => ({ type: 'SagaPaymentVoided', data: { orderId, at } }),
  paymentRefunded: (at = sagaT0): SagaEvent => ({ type: 'SagaPaymentRefunded', data: { orderId, amount: 4000, at } }),
  orderConfirmed: (at = sagaT0): SagaEvent => ({ type: 'SagaOrderConfirmed', data: { orderId, at } }),
  orderCancelled: (
    reason: CancellationReason = 'customer_request',
    previousStatus: 'pending' | 'confirmed' = 'pending',
    at = sagaT0,
  ): SagaEvent => ({ type: 'SagaOrderCancelled', data: { orderId, reason, previousStatus, at } }),
};

import { assertNever } from '../../domain/decider.ts';
import { isMovingForward, startCompensation } from './saga-compensation.ts';
import type { Decision } from './saga-decision.ts';
import type { ObservedSagaInput } from './saga-inputs.ts';
import { clearDeadline, scheduleStep } from './saga-schedule.ts';
import { type LineStatus, lineOf, voidFoundNoPayment } from './saga-state.ts';
import { paymentDeadlineId } from './saga-streams.ts';

/** Records a line's new status when the observation moves it on from one of `from`; false for a repeat. */
const lineMoved = (
  d: Decision,
  sku: string,
  from: readonly LineStatus[],
  record: (base: { orderId: string; sku: string; at: string }) => void,
): boolean => {
  const line = lineOf(d.saga, sku);
  if (!line || !from.includes(line.status)) return false;
  record({ orderId: d.saga.orderId, sku, at: d.now });
  return true;
};

const clearPaymentDeadline = (d: Decision) => clearDeadline(d, paymentDeadlineId(d.saga.orderId), 'obsolete');

/**
 * A domain event the saga observed. Each is recorded as a saga event only when it changes what the
 * saga knows, so a redelivered event decides nothing. Triggers of compensation are handled here;
 * the steps that follow are scheduled by the reconciliation after it.
 */
export const observe = (d: Decision, input: ObservedSagaInput): void => {
  const { orderId } = d.saga;
  if (input.data.orderId !== orderId) return;
  const at = d.now;
  switch (input.type) {
    case 'OrderPlaced':
      return;
    case 'OrderConfirmed':
      if (d.saga.orderStatus === 'pending') d.emit({ type: 'SagaOrderConfirmed', data: { orderId, at } });
      return;
    case 'OrderCancelled': {
      if (d.saga.orderStatus === 'cancelled') return;
      const { reason, previousStatus } = input.data;
      d.emit({ type: 'SagaOrderCancelled', data: { orderId, reason, previousStatus, at } });
      if (d.saga.compensation === undefined && d.saga.status !== 'compensated') {
        startCompensation(d, reason === 'customer_request' ? 'customer_request' : 'order_cancelled', reason);
      }
      return;
    }
    case 'StockReserved':
      lineMoved(d, input.data.sku, ['pending'], (data) => d.emit({ type: 'SagaLineReserved', data }));
      return;
    case 'StockReservationRejected': {
      const { sku } = input.data;
      const rejected = lineMoved(d, sku, ['pending'], (data) =>
        d.emit({ type: 'SagaLineRejected', data: { ...data, reason: 'out_of_stock' } }),
      );
      if (rejected && isMovingForward(d.saga)) startCompensation(d, 'out_of_stock', sku);
      return;
    }
    case 'StockReleased':
      lineMoved(d, input.data.sku, ['pending', 'reserved'], (data) => d.emit({ type: 'SagaLineReleased', data }));
      return;
    case 'ReservationCommitted':
      lineMoved(d, input.data.sku, ['pending', 'reserved'], (data) => d.emit({ type: 'SagaLineCommitted', data }));
      return;
    case 'StockReturned':
      lineMoved(d, input.data.sku, ['committed'], (data) => d.emit({ type: 'SagaLineReturned', data }));
      return;
    case 'PaymentAuthorized': {
      if (d.saga.paymentStatus !== 'none') return;
      d.emit({ type: 'SagaPaymentAuthorized', data: { orderId, authorizationId: input.data.authorizationId, at } });
      clearPaymentDeadline(d);
      // The void already ran and found no payment: this authorization came later, so void again.
      if (d.saga.compensation && voidFoundNoPayment(d.saga)) scheduleStep(d, { kind: 'void-payment' });
      return;
    }
    case 'PaymentDeclined': {
      if (d.saga.paymentStatus !== 'none') return;
      d.emit({ type: 'SagaPaymentDeclined', data: { orderId, reason: input.data.reason, at } });
      clearPaymentDeadline(d);
      if (isMovingForward(d.saga)) startCompensation(d, 'payment_declined', input.data.reason);
      return;
    }
    case 'PaymentCaptured':
      if (d.saga.paymentStatus !== 'none' && d.saga.paymentStatus !== 'authorized') return;
      d.emit({ type: 'SagaPaymentCaptured', data: { orderId, amount: input.data.amount, at } });
      clearPaymentDeadline(d);
      return;
    case 'PaymentVoided':
      if (d.saga.paymentStatus !== 'none' && d.saga.paymentStatus !== 'authorized') return;
      d.emit({ type: 'SagaPaymentVoided', data: { orderId, at } });
      clearPaymentDeadline(d);
      return;
    case 'PaymentRefunded':
      if (d.saga.paymentStatus !== 'captured') return;
      d.emit({ type: 'SagaPaymentRefunded', data: { orderId, amount: input.data.amount, at } });
      return;
    default:
      assertNever(input);
  }
};

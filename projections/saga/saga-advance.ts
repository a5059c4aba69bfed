import type { Decision } from './saga-decision.ts';
import { instantAfter } from './saga-decision.ts';
import { clearAllDeadlines, scheduleOnce, setDeadline } from './saga-schedule.ts';
import { paymentDeadlineId, sagaStepId } from './saga-streams.ts';

/**
 * Moves the order forward: reserve every line at once, authorize the payment once all are reserved
 * (under a deadline), then confirm, commit and capture together; complete once all three are observed.
 */
export const advance = (d: Decision): void => {
  for (const line of d.saga.lines) scheduleOnce(d, { kind: 'reserve', sku: line.sku });

  if (d.saga.lines.every((line) => line.status === 'reserved') && !d.saga.steps['authorize-payment']) {
    const dueAt = instantAfter(d.now, d.options.paymentTimeoutMs);
    const deadlineId = paymentDeadlineId(d.saga.orderId);
    setDeadline(d, deadlineId, 'payment', dueAt, sagaStepId('authorize-payment', 1));
    scheduleOnce(d, { kind: 'authorize-payment' });
  }

  if (d.saga.paymentStatus === 'authorized' || d.saga.paymentStatus === 'captured') {
    scheduleOnce(d, { kind: 'confirm-order' });
    for (const line of d.saga.lines) {
      if (line.status === 'reserved') scheduleOnce(d, { kind: 'commit', sku: line.sku });
    }
    scheduleOnce(d, { kind: 'capture-payment' });
  }

  const saga = d.saga;
  if (
    saga.orderStatus === 'confirmed' &&
    saga.paymentStatus === 'captured' &&
    saga.lines.every((line) => line.status === 'committed')
  ) {
    clearAllDeadlines(d);
    d.emit({ type: 'SagaCompleted', data: { orderId: saga.orderId, at: d.now } });
  }
};

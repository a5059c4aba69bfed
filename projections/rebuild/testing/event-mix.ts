import type { RecordedEvent } from '../../../commands/event-store/event-store.ts';
import { recordedEvent } from '../../projector/testing/recorded-events.ts';

/**
 * Deterministic streams of every read model's events for rebuild tests and the benchmark: each stream's
 * events carry consecutive versions, and `n` picks one of several histories so every handler branch runs.
 */
const at = (n: number, step: number) => new Date(Date.UTC(2024, 4, 1, 10, 0, 0) + n * 1_000 + step * 10).toISOString();

export const orderHistory = (orderId: string, n: number): RecordedEvent[] => {
  const streamId = `order-${orderId}`;
  const withCoupon = n % 4 === 0;
  const placed = recordedEvent(streamId, 0, 'OrderPlaced', {
    orderId,
    customerId: `c${n % 97}`,
    lines: [
      { sku: `sku-${n % 13}`, quantity: 1 + (n % 3), unitPrice: 1500 },
      { sku: `sku-${(n + 5) % 13}`, quantity: 1, unitPrice: 700 },
    ],
    total: 1500 * (1 + (n % 3)) + 700,
    currency: 'EUR',
    payment: withCoupon
      ? [
          { method: 'card', amount: 1500 * (1 + (n % 3)) + 200, token: 'tok_ok' },
          { method: 'coupon', amount: 500, couponCode: `SAVE${n % 7}` },
        ]
      : [{ method: 'card', amount: 1500 * (1 + (n % 3)) + 700, token: 'tok_ok' }],
    placedAt: at(n, 0),
  });
  const confirmed = (version: number) =>
    recordedEvent(streamId, version, 'OrderConfirmed', { orderId, confirmedAt: at(n, 1) });
  const cancelled = (version: number, previousStatus: string) =>
    recordedEvent(streamId, version, 'OrderCancelled', {
      orderId,
      reason: previousStatus === 'pending' ? 'payment_declined' : 'customer_request',
      previousStatus,
      ...(previousStatus === 'confirmed' ? { requestedBy: `c${n % 97}` } : {}),
      cancelledAt: at(n, 2),
    });
  switch (n % 5) {
    case 0:
      return [placed];
    case 1:
      return [placed, cancelled(1, 'pending')];
    case 2:
      return [placed, confirmed(1), cancelled(2, 'confirmed')];
    default:
      return [placed, confirmed(1)];
  }
};

export const paymentHistory = (orderId: string, n: number): RecordedEvent[] => {
  const streamId = `payment-${orderId}`;
  const event = (version: number, type: string, data: Record<string, unknown>) =>
    recordedEvent(streamId, version, type, { orderId, ...data });
  const authorizationId = `auth-${n}`;
  const requested = event(0, 'PaymentRequested', {
    customerId: `c${n % 97}`,
    parts: [
      { method: 'card', amount: 3000, token: 'tok_ok' },
      { method: 'coupon', amount: 500, couponCode: 'SAVE5' },
    ],
    total: 3500,
    requestedAt: at(n, 0),
  });
  const authorized = event(1, 'PaymentAuthorized', { authorizationId, authorizedAt: at(n, 1) });
  switch (n % 5) {
    case 0:
      return [requested, event(1, 'PaymentDeclined', { reason: 'card_declined', declinedAt: at(n, 1) })];
    case 1:
      return [requested, authorized, event(2, 'PaymentVoided', { reason: 'payment_timeout', voidedAt: at(n, 2) })];
    case 2:
      return [requested, event(1, 'PaymentVoided', { reason: 'out_of_stock', voidedAt: at(n, 1) })];
    case 3:
      return [
        requested,
        authorized,
        event(2, 'PaymentCaptured', { authorizationId, amount: 3000, capturedAt: at(n, 2) }),
        event(3, 'PaymentRefunded', {
          authorizationId,
          amount: 3000,
          reason: 'customer_request',
          refundedAt: at(n, 3),
        }),
      ];
    default:
      return [
        requested,
        authorized,
        event(2, 'PaymentCaptured', { authorizationId, amount: 3000, capturedAt: at(n, 2) }),
      ];
  }
};

export const inventoryHistory = (sku: string, n: number, moves: number): RecordedEvent[] => {
  const streamId = `inventory-${sku}`;
  let onHand = 1_000;
  let available = 1_000;
  const events = [
    recordedEvent(streamId, 0, 'SkuRegistered', {
      sku,
      name: `Item ${n}`,
      unitPrice: 100 + n,
      initialStock: onHand,
      onHand,
      available,
    }),
  ];
  for (let version = 1; version <= moves; version++) {
    const orderId = `o-${n}-${version}`;
    switch (version % 6) {
      case 0:
        onHand += 10;
        available += 10;
        events.push(recordedEvent(streamId, version, 'StockRestocked', { sku, quantity: 10, onHand, available }));
        break;
      case 1:
      case 3:
        available -= 2;
        events.push(
          recordedEvent(streamId, version, 'StockReserved', { sku, orderId, quantity: 2, onHand, available }),
        );
        break;
      case 2:
        onHand -= 2;
        events.push(
          recordedEvent(streamId, version, 'ReservationCommitted', { sku, orderId, quantity: 2, onHand, available }),
        );
        break;
      case 4:
        available += 2;
        events.push(
          recordedEvent(streamId, version, 'StockReleased', { sku, orderId, quantity: 2, onHand, available }),
        );
        break;
      default:
        events.push(
          recordedEvent(streamId, version, 'StockReservationRejected', { sku, orderId, requested: 5_000, available }),
        );
    }
  }
  return events;
};

export const sagaHistory = (orderId: string, n: number): RecordedEvent[] => {
  let version = 0;
  const event = (type: string, data: Record<string, unknown>) =>
    recordedEvent(`saga-${orderId}`, version++, type, { orderId, ...data });
  const attempt = (step: string, number: number) => ({ step, stepId: `${step}#${number}`, attempt: number });
  const scheduled = (step: string, number: number, t: number) =>
    event('SagaStepScheduled', {
      ...attempt(step, number),
      command: {
        type: 'ReserveStock',
        streamId: 'inventory-sku-a',
        commandId: `saga-${orderId}:${step}`,
        dataJson: '{}',
      },
      scheduledAt: at(n, t),
    });
  const events = [
    event('SagaStarted', {
      customerId: `c${n % 97}`,
      lines: [{ sku: 'sku-a', quantity: 1 }],
      payment: [{ method: 'card', amount: 100, token: 'tok_ok' }],
      total: 100,
      at: at(n, 0),
    }),
    scheduled('reserve:sku-a', 1, 1),
    event('SagaLineReserved', { sku: 'sku-a', at: at(n, 2) }),
    event('SagaStepSucceeded', { ...attempt('reserve:sku-a', 1), at: at(n, 2) }),
    scheduled('authorize-payment', 1, 3),
    event('SagaDeadlineSet', {
      deadlineId: `saga-${orderId}:payment`,
      name: 'payment',
      dueAt: at(n, 30),
      at: at(n, 3),
    }),
  ];
  switch (n % 4) {
    case 0:
      events.push(
        event('SagaStepFailed', {
          ...attempt('authorize-payment', 1),
          error: 'gateway timeout',
          transient: true,
          retryAt: at(n, 5),
          at: at(n, 4),
        }),
        event('SagaDeadlineSet', {
          deadlineId: `saga-${orderId}:retry:authorize-payment#1`,
          name: 'retry',
          dueAt: at(n, 5),
          stepId: 'authorize-payment#1',
          at: at(n, 4),
        }),
      );
      break;
    case 1:
      events.push(
        event('SagaStepFailed', { ...attempt('authorize-payment', 1), error: 'down', transient: true, at: at(n, 4) }),
        event('SagaStuck', {
          stepId: 'authorize-payment#1',
          step: 'authorize-payment',
          lastError: 'down',
          at: at(n, 5),
        }),
        event('SagaResumed', { at: at(n, 6) }),
        scheduled('authorize-payment', 2, 7),
        event('SagaStepSucceeded', { ...attempt('authorize-payment', 1), at: at(n, 8) }),
      );
      break;
    case 2:
      events.push(
        event('SagaPaymentDeclined', { reason: 'card_declined', at: at(n, 4) }),
        event('SagaDeadlineCleared', { deadlineId: `saga-${orderId}:payment`, reason: 'obsolete', at: at(n, 4) }),
        event('SagaCompensationStarted', { reason: 'payment_declined', at: at(n, 4) }),
        scheduled('release:sku-a', 1, 5),
        event('SagaStepAbandoned', { ...attempt('authorize-payment', 1), at: at(n, 5) }),
        event('SagaLineReleased', { sku: 'sku-a', at: at(n, 6) }),
        event('SagaStepSucceeded', { ...attempt('release:sku-a', 1), at: at(n, 6) }),
        event('SagaCompensated', { at: at(n, 7) }),
      );
      break;
    default:
      events.push(
        event('SagaPaymentAuthorized', { authorizationId: `auth-${n}`, at: at(n, 4) }),
        event('SagaDeadlineCleared', { deadlineId: `saga-${orderId}:payment`, reason: 'obsolete', at: at(n, 4) }),
        event('SagaStepSucceeded', { ...attempt('authorize-payment', 1), at: at(n, 4) }),
        event('SagaOrderConfirmed', { at: at(n, 5) }),
        event('SagaCompleted', { at: at(n, 6) }),
      );
  }
  return events;
};

/** `count` orders' worth of every read model's streams (inventory: one SKU per 10 orders). */
export const mixedHistories = (count: number, prefix = 'o'): RecordedEvent[] => {
  const events: RecordedEvent[] = [];
  for (let n = 0; n < count; n++) {
    const orderId = `${prefix}${n}`;
    events.push(...orderHistory(orderId, n), ...paymentHistory(orderId, n), ...sagaHistory(orderId, n));
    if (n % 10 === 0) events.push(...inventoryHistory(`${prefix}-sku-${n / 10}`, n, 12));
  }
  return events;
};

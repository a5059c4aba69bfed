import type { ReservationCommitted, StockReturned } from '../../domain/inventory/events.ts';
import type { OrderCancelled, OrderPlaced } from '../../domain/order/events.ts';
import type { SagaStatus } from '../../domain/order-saga/state.ts';
import type { EventEnvelope } from '../../schemas/kafka-envelope.ts';
import type { OrderStatus } from '../orders/order-queries.ts';
import { minuteOf } from './dashboard-keys.ts';

/**
 * What one event changes on the dashboard, decided without Redis. `previousIfUnknown` is the status
 * the entity had before this event when Redis holds nothing for it (its key expired, or an earlier
 * event was dead-lettered), so the counter it leaves is still decremented.
 */
export type DashboardUpdate =
  | {
      kind: 'order-status';
      orderId: string;
      version: number;
      status: OrderStatus;
      previousIfUnknown?: OrderStatus;
      /** Set for `OrderPlaced`: the minute bucket counting it. */
      placedMinute?: string;
      at: string;
    }
  | {
      kind: 'saga-status';
      orderId: string;
      version: number;
      /** `resume`: back to the phase it was in (running or compensating). */
      status: SagaStatus | 'resume';
      /** The phase it enters: running from the start, compensating once compensation starts. */
      phase?: 'running' | 'compensating';
      previousIfUnknown?: SagaStatus;
      at: string;
    }
  | {
      kind: 'units-sold';
      sku: string;
      orderId: string;
      version: number;
      quantity: number;
      /** `committed` counts the units once; `returned` takes back what was counted. */
      state: 'committed' | 'returned';
    };

const sagaOrderId = (envelope: EventEnvelope): string => (envelope.data as { orderId: string }).orderId;

const sagaUpdate = (
  envelope: EventEnvelope,
  status: SagaStatus | 'resume',
  previousIfUnknown: SagaStatus | undefined,
  phase?: 'running' | 'compensating',
): DashboardUpdate => ({
  kind: 'saga-status',
  orderId: sagaOrderId(envelope),
  version: envelope.streamVersion,
  status,
  ...(phase ? { phase } : {}),
  ...(previousIfUnknown ? { previousIfUnknown } : {}),
  at: (envelope.data as { at?: string }).at ?? envelope.recordedAt,
});

/** `undefined` for the events the dashboard does not show (most of them). */
export const dashboardUpdateOf = (envelope: EventEnvelope): DashboardUpdate | undefined => {
  const version = envelope.streamVersion;
  switch (envelope.type) {
    case 'OrderPlaced': {
      const { orderId, placedAt } = envelope.data as OrderPlaced['data'];
      return {
        kind: 'order-status',
        orderId,
        version,
        status: 'pending',
        placedMinute: minuteOf(placedAt),
        at: placedAt,
      };
    }
    case 'OrderConfirmed': {
      const { orderId, confirmedAt } = envelope.data as { orderId: string; confirmedAt: string };
      return {
        kind: 'order-status',
        orderId,
        version,
        status: 'confirmed',
        previousIfUnknown: 'pending',
        at: confirmedAt,
      };
    }
    case 'OrderCancelled': {
      const { orderId, previousStatus, cancelledAt } = envelope.data as OrderCancelled['data'];
      return {
        kind: 'order-status',
        orderId,
        version,
        status: 'cancelled',
        previousIfUnknown: previousStatus,
        at: cancelledAt,
      };
    }
    case 'ReservationCommitted':
    case 'StockReturned': {
      const { sku, orderId, quantity } = envelope.data as (ReservationCommitted | StockReturned)['data'];
      const state = envelope.type === 'ReservationCommitted' ? 'committed' : 'returned';
      return { kind: 'units-sold', sku, orderId, version, quantity, state };
    }
    case 'SagaStarted':
      return sagaUpdate(envelope, 'running', undefined, 'running');
    case 'SagaCompensationStarted':
      return sagaUpdate(envelope, 'compensating', 'running', 'compensating');
    case 'SagaCompleted':
      return sagaUpdate(envelope, 'completed', 'running');
    case 'SagaCompensated':
      return sagaUpdate(envelope, 'compensated', 'compensating');
    case 'SagaStuck':
      return sagaUpdate(envelope, 'stuck', 'running');
    case 'SagaResumed':
      return sagaUpdate(envelope, 'resume', 'stuck');
    default:
      return undefined;
  }
};

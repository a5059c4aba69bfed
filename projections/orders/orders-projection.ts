import { assertNever } from '../../domain/decider.ts';
import { type OrderEvent, orderEventTypes } from '../../domain/order/events.ts';
import { topicForAggregate } from '../../schemas/event-catalog.ts';
import { paymentPartsView } from '../payments/payment-parts-view.ts';
import { eventOf } from '../projector/event-of.ts';
import type { Projection } from '../projector/projection.ts';
import { sqlIdentifier } from '../projector/sql-identifier.ts';
import { writeOrdersBatch } from './orders-batch.ts';
import { type OrdersTables, ordersTables } from './orders-tables.ts';

/**
 * Stream `order-<orderId>` into one row per order. Every write is guarded by `version < $version`,
 * so an event the row already reflects (or an older one) changes nothing.
 */
export const ordersProjection = ({
  name = 'orders',
  tables = ordersTables,
}: {
  name?: string;
  tables?: OrdersTables;
} = {}): Projection => {
  const orders = sqlIdentifier(tables.orders);
  return {
    name,
    topics: [topicForAggregate('order')],
    applyBatch: (tx, envelopes) => writeOrdersBatch(tx, orders, envelopes),
    handle: async (tx, envelope) => {
      const event = eventOf<OrderEvent>(envelope, orderEventTypes);
      const version = envelope.streamVersion;
      switch (event.type) {
        case 'OrderPlaced': {
          const { orderId, customerId, lines, total, currency, payment, placedAt } = event.data;
          const items = lines.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice }));
          await tx.query(
            `INSERT INTO ${orders} AS o (order_id, customer_id, status, cancellation_reason, items, total, currency,
                                         payment, created_at, updated_at, version)
             VALUES ($1, $2, 'pending', NULL, $3, $4, $5, $6, $7, $7, $8)
             ON CONFLICT (order_id) DO UPDATE SET
               customer_id = EXCLUDED.customer_id, status = EXCLUDED.status, cancellation_reason = NULL,
               items = EXCLUDED.items, total = EXCLUDED.total, currency = EXCLUDED.currency,
               payment = EXCLUDED.payment, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
               version = EXCLUDED.version
             WHERE o.version < EXCLUDED.version`,
            [
              orderId,
              customerId,
              JSON.stringify(items),
              total,
              currency,
              JSON.stringify(paymentPartsView(payment)),
              placedAt,
              version,
            ],
          );
          return;
        }
        case 'OrderConfirmed':
          await tx.query(
            `UPDATE ${orders} SET status = 'confirmed', updated_at = $2, version = $3
              WHERE order_id = $1 AND version < $3`,
            [event.data.orderId, event.data.confirmedAt, version],
          );
          return;
        case 'OrderCancelled':
          await tx.query(
            `UPDATE ${orders} SET status = 'cancelled', cancellation_reason = $2, updated_at = $3, version = $4
              WHERE order_id = $1 AND version < $4`,
            [event.data.orderId, event.data.reason, event.data.cancelledAt, version],
          );
          return;
        default:
          assertNever(event);
      }
    },
  };
};

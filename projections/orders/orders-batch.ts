import type pg from 'pg';
import { assertNever } from '../../domain/decider.ts';
import { type OrderEvent, orderEventTypes } from '../../domain/order/events.ts';
import type { EventEnvelope } from '../../schemas/kafka-envelope.ts';
import { paymentPartsView } from '../payments/payment-parts-view.ts';
import { eventOf } from '../projector/event-of.ts';
import { byStream, columnsOf } from '../projector/stream-batches.ts';

/** A whole row: the batch holds the order's `OrderPlaced`, so every column is known. */
export interface OrderRow {
  orderId: string;
  customerId: string;
  status: 'pending' | 'confirmed' | 'cancelled';
  reason: string | null;
  items: string;
  total: number;
  currency: string;
  payment: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** Only what the batch's later events change, on a row an earlier batch wrote. */
export interface OrderPatch {
  orderId: string;
  status: 'confirmed' | 'cancelled';
  /** False: the cancellation reason stays as the row has it. */
  setReason: boolean;
  reason: string | null;
  updatedAt: string;
  version: number;
}

export type OrderChange = { kind: 'row'; row: OrderRow } | { kind: 'patch'; patch: OrderPatch };

/** One stream's events of a batch, in version order, folded into the change `ordersProjection.handle` makes one by one. */
export const foldOrderEvents = (envelopes: readonly EventEnvelope[]): OrderChange => {
  let change: OrderChange | undefined;
  for (const envelope of envelopes) {
    const event = eventOf<OrderEvent>(envelope, orderEventTypes);
    const version = envelope.streamVersion;
    switch (event.type) {
      case 'OrderPlaced': {
        const { orderId, customerId, lines, total, currency, payment, placedAt } = event.data;
        const items = lines.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice }));
        change = {
          kind: 'row',
          row: {
            orderId,
            customerId,
            status: 'pending',
            reason: null,
            items: JSON.stringify(items),
            total,
            currency,
            payment: JSON.stringify(paymentPartsView(payment)),
            createdAt: placedAt,
            updatedAt: placedAt,
            version,
          },
        };
        break;
      }
      case 'OrderConfirmed':
      case 'OrderCancelled': {
        const cancelled = event.type === 'OrderCancelled';
        const status = cancelled ? 'cancelled' : 'confirmed';
        const updatedAt = cancelled ? event.data.cancelledAt : event.data.confirmedAt;
        if (change?.kind === 'row') {
          change.row = {
            ...change.row,
            status,
            reason: cancelled ? event.data.reason : change.row.reason,
            updatedAt,
            version,
          };
        } else {
          const setReason = cancelled || change?.patch.setReason === true;
          const reason = cancelled ? event.data.reason : (change?.patch.reason ?? null);
          change = {
            kind: 'patch',
            patch: { orderId: event.data.orderId, status, setReason, reason, updatedAt, version },
          };
        }
        break;
      }
      default:
        assertNever(event);
    }
  }
  if (!change) throw new Error('foldOrderEvents needs at least one event');
  return change;
};

/**
 * A batch in two statements at most: whole rows upserted, patches applied to the rows they find. Both are
 * guarded by `version <`, so a replayed batch (or one behind the row) changes nothing.
 */
export const writeOrdersBatch = async (
  tx: pg.PoolClient,
  /** Quoted already (`sqlIdentifier`). */
  table: string,
  envelopes: readonly EventEnvelope[],
): Promise<void> => {
  const changes = byStream(envelopes).map(foldOrderEvents);
  const rows = changes.flatMap((change) => (change.kind === 'row' ? [change.row] : []));
  const patches = changes.flatMap((change) => (change.kind === 'patch' ? [change.patch] : []));
  if (rows.length > 0) {
    await tx.query(
      `INSERT INTO ${table} AS o (order_id, customer_id, status, cancellation_reason, items, total, currency,
                                  payment, created_at, updated_at, version)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::bigint[], $7::text[],
                            $8::jsonb[], $9::timestamptz[], $10::timestamptz[], $11::bigint[])
       ON CONFLICT (order_id) DO UPDATE SET
         customer_id = EXCLUDED.customer_id, status = EXCLUDED.status,
         cancellation_reason = EXCLUDED.cancellation_reason, items = EXCLUDED.items, total = EXCLUDED.total,
         currency = EXCLUDED.currency, payment = EXCLUDED.payment, created_at = EXCLUDED.created_at,
         updated_at = EXCLUDED.updated_at, version = EXCLUDED.version
       WHERE o.version < EXCLUDED.version`,
      columnsOf(rows, [
        (r) => r.orderId,
        (r) => r.customerId,
        (r) => r.status,
        (r) => r.reason,
        (r) => r.items,
        (r) => r.total,
        (r) => r.currency,
        (r) => r.payment,
        (r) => r.createdAt,
        (r) => r.updatedAt,
        (r) => r.version,
      ]),
    );
  }
  if (patches.length > 0) {
    await tx.query(
      `UPDATE ${table} AS o
          SET status = p.status,
              cancellation_reason = CASE WHEN p.set_reason THEN p.reason ELSE o.cancellation_reason END,
              updated_at = p.updated_at, version = p.version
         FROM unnest($1::text[], $2::text[], $3::boolean[], $4::text[], $5::timestamptz[], $6::bigint[])
              AS p(order_id, status, set_reason, reason, updated_at, version)
        WHERE o.order_id = p.order_id AND o.version < p.version`,
      columnsOf(patches, [
        (p) => p.orderId,
        (p) => p.status,
        (p) => p.setReason,
        (p) => p.reason,
        (p) => p.updatedAt,
        (p) => p.version,
      ]),
    );
  }
};

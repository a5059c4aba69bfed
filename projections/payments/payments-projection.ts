import { assertNever } from '../../domain/decider.ts';
import { type PaymentEvent, paymentEventTypes } from '../../domain/payment/events.ts';
import { topicForAggregate } from '../../schemas/event-catalog.ts';
import { eventOf } from '../projector/event-of.ts';
import type { Projection } from '../projector/projection.ts';
import { sqlIdentifier } from '../projector/sql-identifier.ts';
import { paymentPartsView } from './payment-parts-view.ts';
import { writePaymentsBatch } from './payments-batch.ts';
import { type PaymentsTables, paymentsTables } from './payments-tables.ts';

/** Stream `payment-<orderId>` into one row per payment, every write guarded by `version < $version`. */
export const paymentsProjection = ({
  name = 'payments',
  tables = paymentsTables,
}: {
  name?: string;
  tables?: PaymentsTables;
} = {}): Projection => {
  const payments = sqlIdentifier(tables.payments);
  const update = (set: string) =>
    `UPDATE ${payments} SET ${set}, updated_at = $2, version = $3 WHERE order_id = $1 AND version < $3`;
  return {
    name,
    topics: [topicForAggregate('payment')],
    applyBatch: (tx, envelopes) => writePaymentsBatch(tx, payments, envelopes),
    handle: async (tx, envelope) => {
      const event = eventOf<PaymentEvent>(envelope, paymentEventTypes);
      const version = envelope.streamVersion;
      switch (event.type) {
        case 'PaymentRequested': {
          const { orderId, customerId, parts, total, requestedAt } = event.data;
          await tx.query(
            `INSERT INTO ${payments} AS p (order_id, customer_id, status, parts, total, requested_at, updated_at, version)
             VALUES ($1, $2, 'requested', $3, $4, $5, $5, $6)
             ON CONFLICT (order_id) DO UPDATE SET
               customer_id = EXCLUDED.customer_id, status = EXCLUDED.status, parts = EXCLUDED.parts,
               total = EXCLUDED.total, authorization_id = NULL, captured_amount = 0, refunded_amount = 0,
               reason = NULL, requested_at = EXCLUDED.requested_at, updated_at = EXCLUDED.updated_at,
               version = EXCLUDED.version
             WHERE p.version < EXCLUDED.version`,
            [orderId, customerId, JSON.stringify(paymentPartsView(parts)), total, requestedAt, version],
          );
          return;
        }
        case 'PaymentAuthorized': {
          const { orderId, authorizationId, authorizedAt } = event.data;
          await tx.query(update(`status = 'authorized', authorization_id = $4`), [
            orderId,
            authorizedAt,
            version,
            authorizationId,
          ]);
          return;
        }
        case 'PaymentDeclined': {
          const { orderId, reason, declinedAt } = event.data;
          await tx.query(update(`status = 'declined', reason = $4`), [orderId, declinedAt, version, reason]);
          return;
        }
        case 'PaymentCaptured': {
          const { orderId, authorizationId, amount, capturedAt } = event.data;
          await tx.query(update(`status = 'captured', authorization_id = $4, captured_amount = $5`), [
            orderId,
            capturedAt,
            version,
            authorizationId,
            amount,
          ]);
          return;
        }
        case 'PaymentVoided': {
          const { orderId, reason, authorizationId, voidedAt } = event.data;
          await tx.query(update(`status = 'voided', reason = $4, authorization_id = coalesce($5, authorization_id)`), [
            orderId,
            voidedAt,
            version,
            reason,
            authorizationId ?? null,
          ]);
          return;
        }
        case 'PaymentRefunded': {
          const { orderId, authorizationId, amount, reason, refundedAt } = event.data;
          await tx.query(update(`status = 'refunded', authorization_id = $4, refunded_amount = $5, reason = $6`), [
            orderId,
            refundedAt,
            version,
            authorizationId,
            amount,
            reason,
          ]);
          return;
        }
        default:
          assertNever(event);
      }
    },
  };
};

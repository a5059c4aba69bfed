import type pg from 'pg';
import { assertNever } from '../../domain/decider.ts';
import { type PaymentEvent, paymentEventTypes } from '../../domain/payment/events.ts';
import type { EventEnvelope } from '../../schemas/kafka-envelope.ts';
import { eventOf } from '../projector/event-of.ts';
import { byStream, columnsOf } from '../projector/stream-batches.ts';
import { paymentPartsView } from './payment-parts-view.ts';

type Status = 'requested' | 'authorized' | 'declined' | 'captured' | 'voided' | 'refunded';

/** A column the batch sets, or `undefined`: the row keeps what it has. */
export interface PaymentChange {
  orderId: string;
  /** The batch holds a `PaymentRequested`: the whole row is known (what it resets included). */
  requested?: { customerId: string; parts: string; total: number; requestedAt: string };
  status: Status;
  authorizationId?: string | null;
  capturedAmount?: number;
  refundedAmount?: number;
  reason?: string | null;
  updatedAt: string;
  version: number;
}

/** Folded as `paymentsProjection.handle` applies them one by one. */
export const foldPaymentEvents = (envelopes: readonly EventEnvelope[]): PaymentChange => {
  let change: PaymentChange | undefined;
  for (const envelope of envelopes) {
    const event = eventOf<PaymentEvent>(envelope, paymentEventTypes);
    const version = envelope.streamVersion;
    const next = (status: Status, updatedAt: string, set: Partial<PaymentChange>): PaymentChange => ({
      ...(change ?? {}),
      ...set,
      orderId: event.data.orderId,
      status,
      updatedAt,
      version,
    });
    switch (event.type) {
      case 'PaymentRequested': {
        const { orderId, customerId, parts, total, requestedAt } = event.data;
        change = {
          orderId,
          requested: { customerId, parts: JSON.stringify(paymentPartsView(parts)), total, requestedAt },
          status: 'requested',
          authorizationId: null,
          capturedAmount: 0,
          refundedAmount: 0,
          reason: null,
          updatedAt: requestedAt,
          version,
        };
        break;
      }
      case 'PaymentAuthorized':
        change = next('authorized', event.data.authorizedAt, { authorizationId: event.data.authorizationId });
        break;
      case 'PaymentDeclined':
        change = next('declined', event.data.declinedAt, { reason: event.data.reason });
        break;
      case 'PaymentCaptured': {
        const { authorizationId, amount, capturedAt } = event.data;
        change = next('captured', capturedAt, { authorizationId, capturedAmount: amount });
        break;
      }
      case 'PaymentVoided': {
        const { reason, authorizationId, voidedAt } = event.data;
        change = next('voided', voidedAt, {
          reason,
          ...(authorizationId === undefined ? {} : { authorizationId }),
        });
        break;
      }
      case 'PaymentRefunded': {
        const { authorizationId, amount, reason, refundedAt } = event.data;
        change = next('refunded', refundedAt, { authorizationId, refundedAmount: amount, reason });
        break;
      }
      default:
        assertNever(event);
    }
  }
  if (!change) throw new Error('foldPaymentEvents needs at least one event');
  return change;
};

/** A batch in two statements at most, both guarded by `version <` so a replay changes nothing. */
export const writePaymentsBatch = async (
  tx: pg.PoolClient,
  /** Quoted already (`sqlIdentifier`). */
  table: string,
  envelopes: readonly EventEnvelope[],
): Promise<void> => {
  const changes = byStream(envelopes).map(foldPaymentEvents);
  const rows = changes.filter((change) => change.requested !== undefined);
  const patches = changes.filter((change) => change.requested === undefined);
  if (rows.length > 0) {
    await tx.query(
      `INSERT INTO ${table} AS p (order_id, customer_id, status, parts, total, authorization_id, captured_amount,
                                  refunded_amount, reason, requested_at, updated_at, version)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::bigint[], $6::text[], $7::bigint[],
                            $8::bigint[], $9::text[], $10::timestamptz[], $11::timestamptz[], $12::bigint[])
       ON CONFLICT (order_id) DO UPDATE SET
         customer_id = EXCLUDED.customer_id, status = EXCLUDED.status, parts = EXCLUDED.parts,
         total = EXCLUDED.total, authorization_id = EXCLUDED.authorization_id,
         captured_amount = EXCLUDED.captured_amount, refunded_amount = EXCLUDED.refunded_amount,
         reason = EXCLUDED.reason, requested_at = EXCLUDED.requested_at, updated_at = EXCLUDED.updated_at,
         version = EXCLUDED.version
       WHERE p.version < EXCLUDED.version`,
      columnsOf(rows, [
        (r) => r.orderId,
        (r) => r.requested!.customerId,
        (r) => r.status,
        (r) => r.requested!.parts,
        (r) => r.requested!.total,
        (r) => r.authorizationId ?? null,
        (r) => r.capturedAmount ?? 0,
        (r) => r.refundedAmount ?? 0,
        (r) => r.reason ?? null,
        (r) => r.requested!.requestedAt,
        (r) => r.updatedAt,
        (r) => r.version,
      ]),
    );
  }
  if (patches.length > 0) {
    const kept = (value: unknown) => value === undefined;
    await tx.query(
      `UPDATE ${table} AS p
          SET status = c.status,
              authorization_id = CASE WHEN c.keep_authorization THEN p.authorization_id ELSE c.authorization_id END,
              captured_amount = coalesce(c.captured_amount, p.captured_amount),
              refunded_amount = coalesce(c.refunded_amount, p.refunded_amount),
              reason = CASE WHEN c.keep_reason THEN p.reason ELSE c.reason END,
              updated_at = c.updated_at, version = c.version
         FROM unnest($1::text[], $2::text[], $3::boolean[], $4::text[], $5::bigint[], $6::bigint[], $7::boolean[],
                     $8::text[], $9::timestamptz[], $10::bigint[])
              AS c(order_id, status, keep_authorization, authorization_id, captured_amount, refunded_amount,
                   keep_reason, reason, updated_at, version)
        WHERE p.order_id = c.order_id AND p.version < c.version`,
      columnsOf(patches, [
        (c) => c.orderId,
        (c) => c.status,
        (c) => kept(c.authorizationId),
        (c) => c.authorizationId ?? null,
        (c) => c.capturedAmount ?? null,
        (c) => c.refundedAmount ?? null,
        (c) => kept(c.reason),
        (c) => c.reason ?? null,
        (c) => c.updatedAt,
        (c) => c.version,
      ]),
    );
  }
};

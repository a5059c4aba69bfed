import type { Queryable } from '../projector/projection.ts';
import { rowVersion } from '../projector/row-version.ts';
import { sqlIdentifier } from '../projector/sql-identifier.ts';
import type { PaymentPartView } from './payment-parts-view.ts';
import { type PaymentsTables, paymentsTables } from './payments-tables.ts';

export type PaymentStatus = 'requested' | 'authorized' | 'declined' | 'captured' | 'voided' | 'refunded';

/** The payment of one order. Amounts in integer minor units; captured/refunded count the gateway part only. */
export interface PaymentView {
  orderId: string;
  customerId: string;
  status: PaymentStatus;
  parts: PaymentPartView[];
  total: number;
  authorizationId?: string;
  capturedAmount: number;
  refundedAmount: number;
  /** Why it was declined, voided or refunded. */
  reason?: string;
  requestedAt: string;
  updatedAt: string;
  /** Version of stream `payment-<orderId>` the row reflects. */
  version: number;
}

interface PaymentRow {
  order_id: string;
  customer_id: string;
  status: PaymentStatus;
  parts: PaymentPartView[];
  total: string;
  authorization_id: string | null;
  captured_amount: string;
  refunded_amount: string;
  reason: string | null;
  requested_at: Date;
  updated_at: Date;
  version: string;
}

const paymentView = (row: PaymentRow): PaymentView => ({
  orderId: row.order_id,
  customerId: row.customer_id,
  status: row.status,
  parts: row.parts,
  total: Number(row.total),
  ...(row.authorization_id === null ? {} : { authorizationId: row.authorization_id }),
  capturedAmount: Number(row.captured_amount),
  refundedAmount: Number(row.refunded_amount),
  ...(row.reason === null ? {} : { reason: row.reason }),
  requestedAt: row.requested_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
  version: Number(row.version),
});

export const getPayment = async (
  db: Queryable,
  orderId: string,
  tables: PaymentsTables = paymentsTables,
): Promise<PaymentView | undefined> => {
  const { rows } = await db.query<PaymentRow>(
    `SELECT order_id, customer_id, status, parts, total, authorization_id, captured_amount, refunded_amount, reason,
            requested_at, updated_at, version
       FROM ${sqlIdentifier(tables.payments)} WHERE order_id = $1`,
    [orderId],
  );
  return rows[0] ? paymentView(rows[0]) : undefined;
};

/** The version of `payment-<orderId>` the read model reflects; undefined before the payment is requested. */
export const paymentVersion = (
  db: Queryable,
  orderId: string,
  tables: PaymentsTables = paymentsTables,
): Promise<number | undefined> => rowVersion(db, tables.payments, 'order_id', orderId);

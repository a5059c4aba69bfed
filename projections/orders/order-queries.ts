import { validationError } from '../../domain/errors.ts';
import type { PaymentPartView } from '../payments/payment-parts-view.ts';
import {
  checkPageLimit,
  decodeKeysetCursor,
  keysetTimestampSql,
  type Page,
  pageOf,
} from '../projector/keyset-cursor.ts';
import type { Queryable } from '../projector/projection.ts';
import { sqlIdentifier } from '../projector/sql-identifier.ts';
import { type OrdersTables, ordersTables } from './orders-tables.ts';

export const orderStatuses = ['pending', 'confirmed', 'cancelled'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/** What `GET /orders/:id` returns. Money in integer minor units (EUR). */
export interface OrderView {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  cancellationReason?: string;
  items: { sku: string; quantity: number; unitPrice: number }[];
  total: number;
  payment: PaymentPartView[];
  createdAt: string;
  updatedAt: string;
  /** Version of stream `order-<orderId>` the row reflects. */
  version: number;
}

export interface ListOrdersQuery {
  customerId?: string;
  status?: OrderStatus;
  limit: number;
  cursor?: string;
}

interface OrderRow {
  order_id: string;
  customer_id: string;
  status: OrderStatus;
  cancellation_reason: string | null;
  items: OrderView['items'];
  total: string;
  payment: PaymentPartView[];
  created_at: Date;
  updated_at: Date;
  version: string;
  created_key: string;
}

const columns = `order_id, customer_id, status, cancellation_reason, items, total, payment, created_at, updated_at,
  version, ${keysetTimestampSql('created_at')} AS created_key`;

const orderView = (row: OrderRow): OrderView => ({
  orderId: row.order_id,
  customerId: row.customer_id,
  status: row.status,
  ...(row.cancellation_reason === null ? {} : { cancellationReason: row.cancellation_reason }),
  items: row.items,
  total: Number(row.total),
  payment: row.payment,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
  version: Number(row.version),
});

export const getOrder = async (
  db: Queryable,
  orderId: string,
  tables: OrdersTables = ordersTables,
): Promise<OrderView | undefined> => {
  const { rows } = await db.query<OrderRow>(
    `SELECT ${columns} FROM ${sqlIdentifier(tables.orders)} WHERE order_id = $1`,
    [orderId],
  );
  return rows[0] ? orderView(rows[0]) : undefined;
};

/** Newest first; `nextCursor` continues after the last item. Throws a validation error (400) for bad input. */
export const listOrders = async (
  db: Queryable,
  { customerId, status, limit, cursor }: ListOrdersQuery,
  tables: OrdersTables = ordersTables,
): Promise<Page<OrderView>> => {
  checkPageLimit(limit);
  if (status !== undefined && !orderStatuses.includes(status)) {
    throw validationError('unknown order status', [
      { field: 'status', message: `must be one of ${orderStatuses.join(', ')}` },
    ]);
  }
  const conditions: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (customerId !== undefined) conditions.push(`customer_id = ${param(customerId)}`);
  if (status !== undefined) conditions.push(`status = ${param(status)}`);
  if (cursor !== undefined) {
    const after = decodeKeysetCursor(cursor);
    conditions.push(`(created_at, order_id) < (${param(after.at)}::timestamptz, ${param(after.id)})`);
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const { rows } = await db.query<OrderRow>(
    `SELECT ${columns} FROM ${sqlIdentifier(tables.orders)} ${where}
      ORDER BY created_at DESC, order_id DESC LIMIT ${param(limit + 1)}`,
    params,
  );
  return pageOf(rows, limit, orderView, (row) => ({ at: row.created_key, id: row.order_id }));
};

/** The version of `order-<orderId>` the read model reflects; undefined before its first event. */
export const orderVersion = async (
  db: Queryable,
  orderId: string,
  tables: OrdersTables = ordersTables,
): Promise<number | undefined> => {
  const { rows } = await db.query<{ version: string }>(
    `SELECT version FROM ${sqlIdentifier(tables.orders)} WHERE order_id = $1`,
    [orderId],
  );
  return rows[0] ? Number(rows[0].version) : undefined;
};

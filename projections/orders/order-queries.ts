import type { PaymentPartView } from '../payments/payment-parts-view.ts';
import {
  checkFilterValue,
  checkPageLimit,
  keysetPage,
  keysetTimestampSql,
  type Page,
} from '../projector/keyset-cursor.ts';
import type { Queryable } from '../projector/projection.ts';
import { rowVersion } from '../projector/row-version.ts';
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
  checkFilterValue(status, orderStatuses, 'status', 'unknown order status');
  return keysetPage(db, {
    select: `SELECT ${columns} FROM ${sqlIdentifier(tables.orders)}`,
    equal: { customer_id: customerId, status },
    orderBy: { at: 'created_at', id: 'order_id' },
    limit,
    cursor,
    view: orderView,
    keyOf: (row: OrderRow) => ({ at: row.created_key, id: row.order_id }),
  });
};

/** The version of `order-<orderId>` the read model reflects; undefined before its first event. */
export const orderVersion = (
  db: Queryable,
  orderId: string,
  tables: OrdersTables = ordersTables,
): Promise<number | undefined> => rowVersion(db, tables.orders, 'order_id', orderId);

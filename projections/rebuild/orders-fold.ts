import type { ReadModelShape } from './independent-fold.ts';
import { type FoldEvent, instantOrNull, jsonText, mapFold, numberOf, textOrNull } from './independent-fold.ts';
import { canonicalJson, isoInstant } from './model-checksum.ts';

interface PaymentPart {
  method: string;
  amount: number;
  couponCode?: string;
}

/** Keys in alphabetical order, as the checksum's canonical JSON writes them. */
type ExpectedOrder = {
  cancellationReason: string | null;
  createdAt: string;
  currency: string;
  customerId: string;
  items: string;
  payment: string;
  status: string;
  total: number;
  updatedAt: string;
  version: number;
};

/** Card tokens never reach a read model: only method, amount and the coupon code. */
export const paymentPartsWithoutTokens = (parts: readonly PaymentPart[]): string =>
  canonicalJson(parts.map((part) => ({ amount: part.amount, couponCode: part.couponCode, method: part.method })));

/** docs/read-models.md: one row per order; a placement (re)writes it, the others move status; older versions change nothing. */
const applyOrderEvent = (rows: Map<string, ExpectedOrder>, event: FoldEvent): void => {
  const data = event.data as Record<string, unknown> & { orderId: string };
  const row = rows.get(data.orderId);
  if (event.type === 'OrderPlaced') {
    if (row !== undefined && row.version >= event.version) return;
    const lines = data.lines as { sku: string; quantity: number; unitPrice: number }[];
    const placedAt = isoInstant(String(data.placedAt));
    rows.set(data.orderId, {
      cancellationReason: null,
      createdAt: placedAt,
      currency: String(data.currency),
      customerId: String(data.customerId),
      items: canonicalJson(lines.map(({ sku, quantity, unitPrice }) => ({ quantity, sku, unitPrice }))),
      payment: paymentPartsWithoutTokens(data.payment as PaymentPart[]),
      status: 'pending',
      total: Number(data.total),
      updatedAt: placedAt,
      version: event.version,
    });
    return;
  }
  if (row === undefined || row.version >= event.version) return;
  if (event.type === 'OrderConfirmed') {
    Object.assign(row, {
      status: 'confirmed',
      updatedAt: isoInstant(String(data.confirmedAt)),
      version: event.version,
    });
  } else if (event.type === 'OrderCancelled') {
    Object.assign(row, {
      status: 'cancelled',
      cancellationReason: String(data.reason),
      updatedAt: isoInstant(String(data.cancelledAt)),
      version: event.version,
    });
  }
};

export const ordersShape: ReadModelShape = {
  key: 'order_id',
  columns: [
    'order_id',
    'customer_id',
    'status',
    'cancellation_reason',
    'items',
    'total',
    'currency',
    'payment',
    'created_at',
    'updated_at',
    'version',
  ],
  fromTable: (row) => ({
    cancellationReason: textOrNull(row.cancellation_reason),
    createdAt: instantOrNull(row.created_at) ?? '',
    currency: String(row.currency),
    customerId: String(row.customer_id),
    items: jsonText(row.items),
    payment: jsonText(row.payment),
    status: String(row.status),
    total: numberOf(row.total),
    updatedAt: instantOrNull(row.updated_at) ?? '',
    version: numberOf(row.version),
  }),
  newFold: () => mapFold(applyOrderEvent, (row: ExpectedOrder) => row),
};

import type { ReadModelShape } from './independent-fold.ts';
import { type FoldEvent, instantOrNull, jsonText, mapFold, numberOf, textOrNull } from './independent-fold.ts';
import { isoInstant } from './model-checksum.ts';
import { paymentPartsWithoutTokens } from './orders-fold.ts';

interface ExpectedPayment {
  customerId: string;
  status: string;
  parts: string;
  total: number;
  authorizationId: string | null;
  capturedAmount: number;
  refundedAmount: number;
  reason: string | null;
  requestedAt: string;
  updatedAt: string;
  version: number;
}

/** docs/read-models.md: one row per payment; each outcome moves the status and remembers its own fields. */
const applyPaymentEvent = (rows: Map<string, ExpectedPayment>, event: FoldEvent): void => {
  const data = event.data as Record<string, unknown> & { orderId: string };
  const row = rows.get(data.orderId);
  const text = (name: string) => String(data[name]);
  if (event.type === 'PaymentRequested') {
    if (row !== undefined && row.version >= event.version) return;
    rows.set(data.orderId, {
      customerId: text('customerId'),
      status: 'requested',
      parts: paymentPartsWithoutTokens(data.parts as { method: string; amount: number; couponCode?: string }[]),
      total: Number(data.total),
      authorizationId: null,
      capturedAmount: 0,
      refundedAmount: 0,
      reason: null,
      requestedAt: isoInstant(text('requestedAt')),
      updatedAt: isoInstant(text('requestedAt')),
      version: event.version,
    });
    return;
  }
  if (row === undefined || row.version >= event.version) return;
  const moved = (at: string, fields: Partial<ExpectedPayment>) =>
    Object.assign(row, fields, { updatedAt: isoInstant(text(at)), version: event.version });
  switch (event.type) {
    case 'PaymentAuthorized':
      moved('authorizedAt', { status: 'authorized', authorizationId: text('authorizationId') });
      return;
    case 'PaymentDeclined':
      moved('declinedAt', { status: 'declined', reason: text('reason') });
      return;
    case 'PaymentCaptured':
      moved('capturedAt', {
        status: 'captured',
        authorizationId: text('authorizationId'),
        capturedAmount: Number(data.amount),
      });
      return;
    case 'PaymentVoided':
      moved('voidedAt', {
        status: 'voided',
        reason: text('reason'),
        authorizationId: data.authorizationId === undefined ? row.authorizationId : text('authorizationId'),
      });
      return;
    case 'PaymentRefunded':
      moved('refundedAt', {
        status: 'refunded',
        authorizationId: text('authorizationId'),
        refundedAmount: Number(data.amount),
        reason: text('reason'),
      });
      return;
  }
};

export const paymentsShape: ReadModelShape = {
  key: 'order_id',
  columns: [
    'order_id',
    'customer_id',
    'status',
    'parts',
    'total',
    'authorization_id',
    'captured_amount',
    'refunded_amount',
    'reason',
    'requested_at',
    'updated_at',
    'version',
  ],
  fromTable: (row) => ({
    customerId: String(row.customer_id),
    status: String(row.status),
    parts: jsonText(row.parts),
    total: numberOf(row.total),
    authorizationId: textOrNull(row.authorization_id),
    capturedAmount: numberOf(row.captured_amount),
    refundedAmount: numberOf(row.refunded_amount),
    reason: textOrNull(row.reason),
    requestedAt: instantOrNull(row.requested_at) ?? '',
    updatedAt: instantOrNull(row.updated_at) ?? '',
    version: numberOf(row.version),
  }),
  newFold: () => mapFold(applyPaymentEvent, (row: ExpectedPayment) => ({ ...row })),
};

import type { ReadModelShape } from './independent-fold.ts';
import { type FoldEvent, instantOrNull, mapFold, numberOf } from './independent-fold.ts';
import { isoInstant } from './model-checksum.ts';

interface ExpectedSku {
  name: string;
  unitPrice: number;
  onHand: number;
  reserved: number;
  available: number;
  updatedAt: string;
  version: number;
}

const stockMoves = new Set([
  'StockRestocked',
  'StockReserved',
  'StockReleased',
  'ReservationCommitted',
  'StockReturned',
]);

/**
 * docs/read-models.md: one row per SKU; stock events carry the levels after the change, which the row
 * takes as they are (`reserved = onHand - available`); the time is the store's recording time.
 */
const applyInventoryEvent = (rows: Map<string, ExpectedSku>, event: FoldEvent): void => {
  const data = event.data as Record<string, unknown> & { sku: string };
  const row = rows.get(data.sku);
  const updatedAt = isoInstant(event.recordedAt);
  if (event.type === 'SkuRegistered') {
    if (row !== undefined && row.version >= event.version) return;
    const onHand = Number(data.onHand);
    const available = Number(data.available);
    rows.set(data.sku, {
      name: String(data.name),
      unitPrice: Number(data.unitPrice),
      onHand,
      reserved: onHand - available,
      available,
      updatedAt,
      version: event.version,
    });
    return;
  }
  if (row === undefined || row.version >= event.version) return;
  if (stockMoves.has(event.type)) {
    const onHand = Number(data.onHand);
    const available = Number(data.available);
    Object.assign(row, { onHand, available, reserved: onHand - available, updatedAt, version: event.version });
  } else if (event.type === 'StockReservationRejected') {
    Object.assign(row, { updatedAt, version: event.version });
  }
};

export const inventoryShape: ReadModelShape = {
  key: 'sku',
  columns: ['sku', 'name', 'unit_price', 'on_hand', 'reserved', 'available', 'updated_at', 'version'],
  fromTable: (row) => ({
    name: String(row.name),
    unitPrice: numberOf(row.unit_price),
    onHand: numberOf(row.on_hand),
    reserved: numberOf(row.reserved),
    available: numberOf(row.available),
    updatedAt: instantOrNull(row.updated_at) ?? '',
    version: numberOf(row.version),
  }),
  newFold: () => mapFold(applyInventoryEvent, (row: ExpectedSku) => ({ ...row })),
};

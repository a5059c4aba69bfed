import type pg from 'pg';
import { assertNever } from '../../domain/decider.ts';
import { type InventoryEvent, inventoryEventTypes } from '../../domain/inventory/events.ts';
import type { EventEnvelope } from '../../schemas/kafka-envelope.ts';
import { eventOf } from '../projector/event-of.ts';
import { byStream, columnsOf } from '../projector/stream-batches.ts';

interface Levels {
  onHand: number;
  available: number;
}

/**
 * One SKU's events of a batch folded into one change. `registered` is set when the batch holds the SKU's
 * `SkuRegistered` (the whole row is known); `levels` when an event after it carried levels (a rejection does not).
 */
export interface InventoryChange {
  sku: string;
  registered?: { name: string; unitPrice: number };
  levels?: Levels;
  updatedAt: string;
  version: number;
}

/** Folded as `inventoryProjection.handle` applies them one by one; inventory events carry no time, the store's stands in. */
export const foldInventoryEvents = (envelopes: readonly EventEnvelope[]): InventoryChange => {
  let change: InventoryChange | undefined;
  for (const envelope of envelopes) {
    const event = eventOf<InventoryEvent>(envelope, inventoryEventTypes);
    const at = { sku: event.data.sku, updatedAt: envelope.recordedAt, version: envelope.streamVersion };
    switch (event.type) {
      case 'SkuRegistered': {
        const { name, unitPrice, onHand, available } = event.data;
        change = { ...at, registered: { name, unitPrice }, levels: { onHand, available } };
        break;
      }
      case 'StockRestocked':
      case 'StockReserved':
      case 'StockReleased':
      case 'ReservationCommitted':
      case 'StockReturned': {
        const { onHand, available } = event.data;
        change = { ...change, ...at, levels: { onHand, available } };
        break;
      }
      case 'StockReservationRejected':
        change = { ...change, ...at };
        break;
      default:
        assertNever(event);
    }
  }
  if (!change) throw new Error('foldInventoryEvents needs at least one event');
  return change;
};

/** A batch in two statements at most, both guarded by `version <` so a replay changes nothing. */
export const writeInventoryBatch = async (
  tx: pg.PoolClient,
  /** Quoted already (`sqlIdentifier`). */
  table: string,
  envelopes: readonly EventEnvelope[],
): Promise<void> => {
  const changes = byStream(envelopes).map(foldInventoryEvents);
  const rows = changes.filter((change) => change.registered !== undefined);
  const patches = changes.filter((change) => change.registered === undefined);
  if (rows.length > 0) {
    await tx.query(
      `INSERT INTO ${table} AS i (sku, name, unit_price, on_hand, reserved, available, updated_at, version)
       SELECT sku, name, unit_price, on_hand, on_hand - available, available, updated_at, version
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::timestamptz[], $7::bigint[])
              AS r(sku, name, unit_price, on_hand, available, updated_at, version)
       ON CONFLICT (sku) DO UPDATE SET
         name = EXCLUDED.name, unit_price = EXCLUDED.unit_price, on_hand = EXCLUDED.on_hand,
         reserved = EXCLUDED.reserved, available = EXCLUDED.available, updated_at = EXCLUDED.updated_at,
         version = EXCLUDED.version
       WHERE i.version < EXCLUDED.version`,
      columnsOf(rows, [
        (r) => r.sku,
        (r) => r.registered!.name,
        (r) => r.registered!.unitPrice,
        (r) => r.levels!.onHand,
        (r) => r.levels!.available,
        (r) => r.updatedAt,
        (r) => r.version,
      ]),
    );
  }
  if (patches.length > 0) {
    await tx.query(
      `UPDATE ${table} AS i
          SET on_hand = coalesce(p.on_hand, i.on_hand),
              available = coalesce(p.available, i.available),
              reserved = coalesce(p.on_hand - p.available, i.reserved),
              updated_at = p.updated_at, version = p.version
         FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::timestamptz[], $5::bigint[])
              AS p(sku, on_hand, available, updated_at, version)
        WHERE i.sku = p.sku AND i.version < p.version`,
      columnsOf(patches, [
        (p) => p.sku,
        (p) => p.levels?.onHand ?? null,
        (p) => p.levels?.available ?? null,
        (p) => p.updatedAt,
        (p) => p.version,
      ]),
    );
  }
};

import { assertNever } from '../../domain/decider.ts';
import { type InventoryEvent, inventoryEventTypes } from '../../domain/inventory/events.ts';
import { topicForAggregate } from '../../schemas/event-catalog.ts';
import { eventOf } from '../projector/event-of.ts';
import type { Projection } from '../projector/projection.ts';
import { sqlIdentifier } from '../projector/sql-identifier.ts';
import { writeInventoryBatch } from './inventory-batch.ts';
import { type InventoryTables, inventoryTables } from './inventory-tables.ts';

/**
 * Stream `inventory-<sku>` into one row per SKU. Stock events carry the levels after the change, so
 * the row takes them as they are (`reserved = onHand - available`); nothing is ever added up, and
 * the `version < $version` guard makes a repeated or late event a no-op.
 */
export const inventoryProjection = ({
  name = 'inventory',
  tables = inventoryTables,
}: {
  name?: string;
  tables?: InventoryTables;
} = {}): Projection => {
  const inventory = sqlIdentifier(tables.inventory);
  return {
    name,
    topics: [topicForAggregate('inventory')],
    applyBatch: (tx, envelopes) => writeInventoryBatch(tx, inventory, envelopes),
    handle: async (tx, envelope) => {
      const event = eventOf<InventoryEvent>(envelope, inventoryEventTypes);
      const version = envelope.streamVersion;
      // Inventory events carry no time of their own; the store's recording time stands in.
      const at = envelope.recordedAt;
      switch (event.type) {
        case 'SkuRegistered': {
          const { sku, name: skuName, unitPrice, onHand, available } = event.data;
          await tx.query(
            `INSERT INTO ${inventory} AS i (sku, name, unit_price, on_hand, reserved, available, updated_at, version)
             VALUES ($1, $2, $3, $4::bigint, $4::bigint - $5::bigint, $5::bigint, $6, $7)
             ON CONFLICT (sku) DO UPDATE SET
               name = EXCLUDED.name, unit_price = EXCLUDED.unit_price, on_hand = EXCLUDED.on_hand,
               reserved = EXCLUDED.reserved, available = EXCLUDED.available, updated_at = EXCLUDED.updated_at,
               version = EXCLUDED.version
             WHERE i.version < EXCLUDED.version`,
            [sku, skuName, unitPrice, onHand, available, at, version],
          );
          return;
        }
        case 'StockRestocked':
        case 'StockReserved':
        case 'StockReleased':
        case 'ReservationCommitted':
        case 'StockReturned': {
          const { sku, onHand, available } = event.data;
          await tx.query(
            `UPDATE ${inventory} SET on_hand = $2::bigint, available = $3::bigint, reserved = $2::bigint - $3::bigint, updated_at = $4, version = $5
              WHERE sku = $1 AND version < $5`,
            [sku, onHand, available, at, version],
          );
          return;
        }
        case 'StockReservationRejected':
          // The levels did not change; the row still moves to this version (consistency tokens wait for it).
          await tx.query(`UPDATE ${inventory} SET updated_at = $2, version = $3 WHERE sku = $1 AND version < $3`, [
            event.data.sku,
            at,
            version,
          ]);
          return;
        default:
          assertNever(event);
      }
    },
  };
};

import type { Queryable } from '../projector/projection.ts';
import { rowVersion } from '../projector/row-version.ts';
import { sqlIdentifier } from '../projector/sql-identifier.ts';
import { type InventoryTables, inventoryTables } from './inventory-tables.ts';

/** What `GET /inventory/:sku` returns. `available = onHand - reserved`. */
export interface InventoryItemView {
  sku: string;
  name: string;
  unitPrice: number;
  onHand: number;
  reserved: number;
  available: number;
}

interface InventoryRow {
  sku: string;
  name: string;
  unit_price: string;
  on_hand: string;
  reserved: string;
  available: string;
}

const inventoryItemView = (row: InventoryRow): InventoryItemView => ({
  sku: row.sku,
  name: row.name,
  unitPrice: Number(row.unit_price),
  onHand: Number(row.on_hand),
  reserved: Number(row.reserved),
  available: Number(row.available),
});

export const getInventoryItem = async (
  db: Queryable,
  sku: string,
  tables: InventoryTables = inventoryTables,
): Promise<InventoryItemView | undefined> => {
  const { rows } = await db.query<InventoryRow>(
    `SELECT sku, name, unit_price, on_hand, reserved, available FROM ${sqlIdentifier(tables.inventory)} WHERE sku = $1`,
    [sku],
  );
  return rows[0] ? inventoryItemView(rows[0]) : undefined;
};

/** The version of `inventory-<sku>` the read model reflects; undefined before the SKU is registered. */
export const inventoryVersion = (
  db: Queryable,
  sku: string,
  tables: InventoryTables = inventoryTables,
): Promise<number | undefined> => rowVersion(db, tables.inventory, 'sku', sku);

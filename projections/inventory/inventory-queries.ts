import { validationError } from '../../domain/errors.ts';
import { checkPageLimit, type Page } from '../projector/keyset-cursor.ts';
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

const badCursor = () =>
  validationError('the cursor is not one this API issued', [
    { field: 'cursor', message: 'must be a nextCursor from an earlier page' },
  ]);

/** The cursor is the last SKU of the page (base64url), so a page starts strictly after it. */
const skuAfter = (cursor: string | undefined): string | undefined => {
  if (cursor === undefined) return undefined;
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw badCursor();
  const sku = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(sku)) throw badCursor();
  return sku;
};

/** SKUs in order (`COLLATE "C"`: byte order, the same on every server), a page at a time. */
export const listInventory = async (
  db: Queryable,
  { limit, cursor }: { limit: number; cursor?: string },
  tables: InventoryTables = inventoryTables,
): Promise<Page<InventoryItemView>> => {
  checkPageLimit(limit);
  const after = skuAfter(cursor);
  const { rows } = await db.query<InventoryRow>(
    `SELECT sku, name, unit_price, on_hand, reserved, available FROM ${sqlIdentifier(tables.inventory)}
      WHERE $1::text IS NULL OR sku COLLATE "C" > $1::text COLLATE "C"
      ORDER BY sku COLLATE "C" LIMIT $2`,
    [after ?? null, limit + 1],
  );
  const items = rows.slice(0, limit).map(inventoryItemView);
  const last = items.at(-1);
  return rows.length > limit && last
    ? { items, nextCursor: Buffer.from(last.sku, 'utf8').toString('base64url') }
    : { items };
};

/** The version of `inventory-<sku>` the read model reflects; undefined before the SKU is registered. */
export const inventoryVersion = (
  db: Queryable,
  sku: string,
  tables: InventoryTables = inventoryTables,
): Promise<number | undefined> => rowVersion(db, tables.inventory, 'sku', sku);

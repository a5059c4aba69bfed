/** The tables of the inventory read model; handlers and queries take them so a rebuild can target a shadow copy. */
export interface InventoryTables {
  inventory: string;
}

export const inventoryTables: InventoryTables = { inventory: 'read_inventory' };

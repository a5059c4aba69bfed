/**
 * What became of an order's claim on this SKU. Kept for every order that ever asked, so a
 * redelivered ReserveStock after a release or a rejection cannot claim stock a second time.
 */
export type OrderStock =
  | { status: 'reserved'; quantity: number }
  | { status: 'rejected'; quantity: number }
  | { status: 'released'; quantity: number }
  | { status: 'committed'; quantity: number }
  | { status: 'returned'; quantity: number };

export type InventoryState =
  | { status: 'Empty' }
  | {
      status: 'Registered';
      sku: string;
      name: string;
      unitPrice: number;
      /** Units in the warehouse, reserved ones included. */
      onHand: number;
      /** Units held by reservations not yet committed or released. */
      reserved: number;
      orders: ReadonlyMap<string, OrderStock>;
    };

export type RegisteredInventory = Extract<InventoryState, { status: 'Registered' }>;

export const initialInventoryState = (): InventoryState => ({ status: 'Empty' });

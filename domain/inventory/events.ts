import type { Event } from '../message.ts';

/**
 * Stock events carry the SKU's levels after the change (`onHand`, `available`), so a read model
 * sets them instead of adding deltas and stays correct when an event is delivered twice.
 */
interface StockLevels {
  onHand: number;
  available: number;
}

export type SkuRegistered = Event<
  'SkuRegistered',
  { sku: string; name: string; unitPrice: number; initialStock: number } & StockLevels
>;
export type StockRestocked = Event<'StockRestocked', { sku: string; quantity: number } & StockLevels>;
export type StockReserved = Event<'StockReserved', { sku: string; orderId: string; quantity: number } & StockLevels>;
/** Not enough available stock: an event, because the saga learns the outcome from Kafka. */
export type StockReservationRejected = Event<
  'StockReservationRejected',
  { sku: string; orderId: string; requested: number; available: number }
>;
export type StockReleased = Event<'StockReleased', { sku: string; orderId: string; quantity: number } & StockLevels>;
/** Reserved units are sold: they leave `onHand`. */
export type ReservationCommitted = Event<
  'ReservationCommitted',
  { sku: string; orderId: string; quantity: number } & StockLevels
>;
export type StockReturned = Event<'StockReturned', { sku: string; orderId: string; quantity: number } & StockLevels>;

export type InventoryEvent =
  | SkuRegistered
  | StockRestocked
  | StockReserved
  | StockReservationRejected
  | StockReleased
  | ReservationCommitted
  | StockReturned;

const inventoryEventTypeSet: Record<InventoryEvent['type'], true> = {
  SkuRegistered: true,
  StockRestocked: true,
  StockReserved: true,
  StockReservationRejected: true,
  StockReleased: true,
  ReservationCommitted: true,
  StockReturned: true,
};

export const inventoryEventTypes = Object.keys(inventoryEventTypeSet) as InventoryEvent['type'][];

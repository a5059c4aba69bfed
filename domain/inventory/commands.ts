import type { Command } from '../message.ts';

export type RegisterSku = Command<
  'RegisterSku',
  { sku: string; name: string; unitPrice: number; initialStock: number }
>;
export type Restock = Command<'Restock', { sku: string; quantity: number }>;
export type ReserveStock = Command<'ReserveStock', { sku: string; orderId: string; quantity: number }>;
export type ReleaseStock = Command<'ReleaseStock', { sku: string; orderId: string }>;
export type CommitReservation = Command<'CommitReservation', { sku: string; orderId: string }>;
/** Puts a committed order's units back on hand after a refund. */
export type ReturnStock = Command<'ReturnStock', { sku: string; orderId: string }>;

export type InventoryCommand = RegisterSku | Restock | ReserveStock | ReleaseStock | CommitReservation | ReturnStock;

import type { CommandMetadata } from '../message.ts';
import { runCommands } from '../testing/run-commands.ts';
import type { InventoryCommand } from './commands.ts';
import type { InventoryEvent } from './events.ts';
import { inventoryDecider } from './inventory-decider.ts';

const metadata: CommandMetadata = { commandId: 'command-1', now: '2025-01-01T10:00:00.000Z' };

type DataOf<Type extends InventoryCommand['type']> = Extract<InventoryCommand, { type: Type }>['data'];

/** Builds an inventory command; `sku` defaults to `sku-a`, `orderId` to `o1`. */
export const inventoryCommand = <Type extends InventoryCommand['type']>(
  type: Type,
  data: Omit<DataOf<Type>, 'sku'> & { sku?: string },
): InventoryCommand => ({ type, data: { sku: 'sku-a', ...data }, metadata }) as unknown as InventoryCommand;

/** Events the inventory decider really emits, covering every type. */
export const inventoryExampleEvents = (): InventoryEvent[] =>
  runCommands(inventoryDecider, [
    inventoryCommand('RegisterSku', { name: 'Blue mug', unitPrice: 1250, initialStock: 10 }),
    inventoryCommand('Restock', { quantity: 5 }),
    inventoryCommand('ReserveStock', { orderId: 'o1', quantity: 4 }),
    inventoryCommand('ReserveStock', { orderId: 'o2', quantity: 20 }),
    inventoryCommand('ReserveStock', { orderId: 'o3', quantity: 2 }),
    inventoryCommand('ReleaseStock', { orderId: 'o3' }),
    inventoryCommand('CommitReservation', { orderId: 'o1' }),
    inventoryCommand('ReturnStock', { orderId: 'o1' }),
  ]);

import type { Decider } from '../decider.ts';
import type { InventoryCommand } from './commands.ts';
import { decideInventory } from './decide.ts';
import type { InventoryEvent } from './events.ts';
import { evolveInventory } from './evolve.ts';
import { type InventoryState, initialInventoryState } from './state.ts';

export const inventoryDecider: Decider<InventoryState, InventoryCommand, InventoryEvent> = {
  decide: decideInventory,
  evolve: evolveInventory,
  initialState: initialInventoryState,
};

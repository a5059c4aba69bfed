import type { CancellationReason } from './commands.ts';
import type { OrderPlaced } from './events.ts';

export type PlacedOrder = OrderPlaced['data'];

export type OrderState =
  | { status: 'Empty' }
  | { status: 'Pending'; order: PlacedOrder }
  | { status: 'Confirmed'; order: PlacedOrder; confirmedAt: string }
  | {
      status: 'Cancelled';
      order: PlacedOrder;
      reason: CancellationReason;
      previousStatus: 'pending' | 'confirmed';
      cancelledAt: string;
    };

export const initialOrderState = (): OrderState => ({ status: 'Empty' });

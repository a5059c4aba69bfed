import { assertNever } from '../decider.ts';
import type { InventoryEvent } from './events.ts';
import type { InventoryState, OrderStock, RegisteredInventory } from './state.ts';

const withOrder = (state: RegisteredInventory, orderId: string, stock: OrderStock): ReadonlyMap<string, OrderStock> =>
  new Map(state.orders).set(orderId, stock);

export const evolveInventory = (state: InventoryState, event: InventoryEvent): InventoryState => {
  if (event.type === 'SkuRegistered') {
    const { sku, name, unitPrice, initialStock } = event.data;
    return { status: 'Registered', sku, name, unitPrice, onHand: initialStock, reserved: 0, orders: new Map() };
  }
  if (state.status === 'Empty') return state;
  switch (event.type) {
    case 'StockRestocked':
      return { ...state, onHand: state.onHand + event.data.quantity };
    case 'StockReserved': {
      const { orderId, quantity } = event.data;
      return {
        ...state,
        reserved: state.reserved + quantity,
        orders: withOrder(state, orderId, { status: 'reserved', quantity }),
      };
    }
    case 'StockReservationRejected': {
      const { orderId, requested } = event.data;
      return { ...state, orders: withOrder(state, orderId, { status: 'rejected', quantity: requested }) };
    }
    case 'StockReleased': {
      const { orderId, quantity } = event.data;
      return {
        ...state,
        reserved: state.reserved - quantity,
        orders: withOrder(state, orderId, { status: 'released', quantity }),
      };
    }
    case 'ReservationCommitted': {
      const { orderId, quantity } = event.data;
      return {
        ...state,
        onHand: state.onHand - quantity,
        reserved: state.reserved - quantity,
        orders: withOrder(state, orderId, { status: 'committed', quantity }),
      };
    }
    case 'StockReturned': {
      const { orderId, quantity } = event.data;
      return {
        ...state,
        onHand: state.onHand + quantity,
        orders: withOrder(state, orderId, { status: 'returned', quantity }),
      };
    }
    default:
      return assertNever(event);
  }
};

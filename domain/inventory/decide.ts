import { assertNever } from '../decider.ts';
import { conflict, notFound, ruleBroken } from '../errors.ts';
import { maxReservationQuantity, maxStockLevel } from '../limits.ts';
import { FieldErrors, isIntegerBetween, isNonEmptyString } from '../validation.ts';
import type {
  CommitReservation,
  InventoryCommand,
  RegisterSku,
  ReleaseStock,
  ReserveStock,
  Restock,
  ReturnStock,
} from './commands.ts';
import type { InventoryEvent } from './events.ts';
import type { InventoryState, RegisteredInventory } from './state.ts';

const levels = (onHand: number, reserved: number) => ({ onHand, available: onHand - reserved });

const registered = (state: InventoryState, sku: string): RegisteredInventory => {
  if (state.status === 'Empty') throw notFound(`SKU ${sku} is not registered`);
  return state;
};

const assertOrderIdGiven = (orderId: unknown): void =>
  new FieldErrors().check(isNonEmptyString(orderId), 'orderId', 'is required').throwIfAny('orderId is required');

// The fields of RegisterSku and Restock are checked by the command API's request schemas; these keep the rules.
const registerSku = ({ data }: RegisterSku, state: InventoryState): InventoryEvent[] => {
  if (state.status !== 'Empty') throw conflict(`SKU ${data.sku} is already registered`, 'sku_exists');
  const { sku, name, unitPrice, initialStock } = data;
  return [{ type: 'SkuRegistered', data: { sku, name, unitPrice, initialStock, ...levels(initialStock, 0) } }];
};

const restock = ({ data }: Restock, state: InventoryState): InventoryEvent[] => {
  const sku = registered(state, data.sku);
  const onHand = sku.onHand + data.quantity;
  if (onHand > maxStockLevel) {
    throw ruleBroken('stock_limit_exceeded', `SKU ${sku.sku} can hold at most ${maxStockLevel} units on hand`);
  }
  return [{ type: 'StockRestocked', data: { sku: sku.sku, quantity: data.quantity, ...levels(onHand, sku.reserved) } }];
};

const reserveStock = ({ data }: ReserveStock, state: InventoryState): InventoryEvent[] => {
  new FieldErrors()
    .check(isNonEmptyString(data.orderId), 'orderId', 'is required')
    .check(
      isIntegerBetween(data.quantity, 1, maxReservationQuantity),
      'quantity',
      `must be 1 to ${maxReservationQuantity}`,
    )
    .throwIfAny('the reservation is not well formed');
  const sku = registered(state, data.sku);
  // An order gets one answer per SKU: a redelivered request changes nothing, whatever the first outcome was.
  if (sku.orders.has(data.orderId)) return [];
  const available = sku.onHand - sku.reserved;
  if (available < data.quantity) {
    return [
      {
        type: 'StockReservationRejected',
        data: { sku: sku.sku, orderId: data.orderId, requested: data.quantity, available },
      },
    ];
  }
  return [
    {
      type: 'StockReserved',
      data: {
        sku: sku.sku,
        orderId: data.orderId,
        quantity: data.quantity,
        ...levels(sku.onHand, sku.reserved + data.quantity),
      },
    },
  ];
};

const releaseStock = ({ data }: ReleaseStock, state: InventoryState): InventoryEvent[] => {
  assertOrderIdGiven(data.orderId);
  const sku = registered(state, data.sku);
  const held = sku.orders.get(data.orderId);
  if (held?.status !== 'reserved') return [];
  return [
    {
      type: 'StockReleased',
      data: {
        sku: sku.sku,
        orderId: data.orderId,
        quantity: held.quantity,
        ...levels(sku.onHand, sku.reserved - held.quantity),
      },
    },
  ];
};

const commitReservation = ({ data }: CommitReservation, state: InventoryState): InventoryEvent[] => {
  assertOrderIdGiven(data.orderId);
  const sku = registered(state, data.sku);
  const held = sku.orders.get(data.orderId);
  if (held?.status === 'committed' || held?.status === 'returned') return [];
  if (held?.status !== 'reserved') {
    throw ruleBroken('no_reservation', `order ${data.orderId} holds no reservation of ${sku.sku}`);
  }
  return [
    {
      type: 'ReservationCommitted',
      data: {
        sku: sku.sku,
        orderId: data.orderId,
        quantity: held.quantity,
        ...levels(sku.onHand - held.quantity, sku.reserved - held.quantity),
      },
    },
  ];
};

const returnStock = ({ data }: ReturnStock, state: InventoryState): InventoryEvent[] => {
  assertOrderIdGiven(data.orderId);
  const sku = registered(state, data.sku);
  const held = sku.orders.get(data.orderId);
  if (held?.status === 'returned') return [];
  if (held?.status !== 'committed') {
    throw ruleBroken('nothing_committed', `order ${data.orderId} has no committed units of ${sku.sku}`);
  }
  return [
    {
      type: 'StockReturned',
      data: {
        sku: sku.sku,
        orderId: data.orderId,
        quantity: held.quantity,
        ...levels(sku.onHand + held.quantity, sku.reserved),
      },
    },
  ];
};

export const decideInventory = (command: InventoryCommand, state: InventoryState): InventoryEvent[] => {
  switch (command.type) {
    case 'RegisterSku':
      return registerSku(command, state);
    case 'Restock':
      return restock(command, state);
    case 'ReserveStock':
      return reserveStock(command, state);
    case 'ReleaseStock':
      return releaseStock(command, state);
    case 'CommitReservation':
      return commitReservation(command, state);
    case 'ReturnStock':
      return returnStock(command, state);
    default:
      return assertNever(command);
  }
};

import { suite } from 'uvu';
import { maxStockLevel } from '../limits.ts';
import { deciderSpec } from '../testing/decider-spec.ts';
import type { InventoryEvent } from './events.ts';
import { inventoryDecider } from './inventory-decider.ts';
import { inventoryCommand as command } from './inventory-examples.ts';

const spec = deciderSpec(inventoryDecider);

const registered = (initialStock = 10): InventoryEvent => ({
  type: 'SkuRegistered',
  data: {
    sku: 'sku-a',
    name: 'Blue mug',
    unitPrice: 1250,
    initialStock,
    onHand: initialStock,
    available: initialStock,
  },
});
const reserved = (orderId: string, quantity: number, onHand: number, available: number): InventoryEvent => ({
  type: 'StockReserved',
  data: { sku: 'sku-a', orderId, quantity, onHand, available },
});
const committed = (orderId: string, quantity: number, onHand: number, available: number): InventoryEvent => ({
  type: 'ReservationCommitted',
  data: { sku: 'sku-a', orderId, quantity, onHand, available },
});
const rejected = (orderId: string, requested: number, available: number): InventoryEvent => ({
  type: 'StockReservationRejected',
  data: { sku: 'sku-a', orderId, requested, available },
});

const register = suite('RegisterSku');

register('registers a SKU with its initial stock', () => {
  spec
    .given([])
    .when(command('RegisterSku', { name: 'Blue mug', unitPrice: 1250, initialStock: 10 }))
    .then([registered()]);
});

register('refuses a SKU that exists (409)', () => {
  spec
    .given([registered()])
    .when(command('RegisterSku', { name: 'Blue mug', unitPrice: 1250, initialStock: 10 }))
    .thenThrows('sku_exists');
});

const restock = suite('Restock');

restock('adds units on hand', () => {
  spec
    .given([registered(), reserved('o1', 4, 10, 6)])
    .when(command('Restock', { quantity: 5 }))
    .then([{ type: 'StockRestocked', data: { sku: 'sku-a', quantity: 5, onHand: 15, available: 11 } }]);
});

restock('refuses an unknown SKU (404), and a restock past the largest stock level (422)', () => {
  spec
    .given([])
    .when(command('Restock', { quantity: 5 }))
    .thenThrows('not_found');
  spec
    .given([registered(maxStockLevel - 5)])
    .when(command('Restock', { quantity: 6 }))
    .thenThrows('stock_limit_exceeded');
  spec
    .given([registered(maxStockLevel - 5)])
    .when(command('Restock', { quantity: 5 }))
    .then([
      {
        type: 'StockRestocked',
        data: { sku: 'sku-a', quantity: 5, onHand: maxStockLevel, available: maxStockLevel },
      },
    ]);
});

const reserve = suite('ReserveStock');

reserve('reserves available units, all of them if asked', () => {
  spec
    .given([registered(), reserved('o1', 4, 10, 6)])
    .when(command('ReserveStock', { orderId: 'o2', quantity: 6 }))
    .then([reserved('o2', 6, 10, 0)]);
});

reserve('rejects with an event when fewer units are available, reserving none', () => {
  spec
    .given([registered(), reserved('o1', 4, 10, 6)])
    .when(command('ReserveStock', { orderId: 'o2', quantity: 7 }))
    .then([rejected('o2', 7, 6)]);
});

reserve('the same order reserving again changes nothing, after a reservation or a rejection', () => {
  spec
    .given([registered(), reserved('o1', 4, 10, 6)])
    .when(command('ReserveStock', { orderId: 'o1', quantity: 4 }))
    .then([]);
  spec
    .given([
      registered(2),
      rejected('o1', 4, 2),
      { type: 'StockRestocked', data: { sku: 'sku-a', quantity: 10, onHand: 12, available: 12 } },
    ])
    .when(command('ReserveStock', { orderId: 'o1', quantity: 4 }))
    .then([]);
});

reserve('refuses an unknown SKU (404) or a malformed request', () => {
  spec
    .given([])
    .when(command('ReserveStock', { orderId: 'o1', quantity: 1 }))
    .thenThrows('not_found');
  spec
    .given([registered()])
    .when(command('ReserveStock', { orderId: '', quantity: 0 }))
    .thenThrows('validation', ['orderId', 'quantity']);
});

const release = suite('ReleaseStock');

release('releases a held reservation', () => {
  spec
    .given([registered(), reserved('o1', 4, 10, 6)])
    .when(command('ReleaseStock', { orderId: 'o1' }))
    .then([{ type: 'StockReleased', data: { sku: 'sku-a', orderId: 'o1', quantity: 4, onHand: 10, available: 10 } }]);
});

release('changes nothing when no reservation is held', () => {
  spec
    .given([registered()])
    .when(command('ReleaseStock', { orderId: 'o1' }))
    .then([]);
  spec
    .given([registered(), reserved('o1', 4, 10, 6), committed('o1', 4, 6, 6)])
    .when(command('ReleaseStock', { orderId: 'o1' }))
    .then([]);
});

release('refuses an unknown SKU (404)', () => {
  spec
    .given([])
    .when(command('ReleaseStock', { orderId: 'o1' }))
    .thenThrows('not_found');
});

const commit = suite('CommitReservation');

commit('turns reserved units into sold ones', () => {
  spec
    .given([registered(), reserved('o1', 4, 10, 6), reserved('o2', 1, 10, 5)])
    .when(command('CommitReservation', { orderId: 'o1' }))
    .then([committed('o1', 4, 6, 5)]);
});

commit('changes nothing when already committed', () => {
  spec
    .given([registered(), reserved('o1', 4, 10, 6), committed('o1', 4, 6, 6)])
    .when(command('CommitReservation', { orderId: 'o1' }))
    .then([]);
});

commit('refuses without a reservation (422)', () => {
  spec
    .given([registered()])
    .when(command('CommitReservation', { orderId: 'o1' }))
    .thenThrows('no_reservation');
  spec
    .given([registered(2), rejected('o1', 4, 2)])
    .when(command('CommitReservation', { orderId: 'o1' }))
    .thenThrows('no_reservation');
});

const giveBack = suite('ReturnStock');
const soldToO1 = (): InventoryEvent[] => [registered(), reserved('o1', 4, 10, 6), committed('o1', 4, 6, 6)];

giveBack('puts a committed order back on hand', () => {
  spec
    .given(soldToO1())
    .when(command('ReturnStock', { orderId: 'o1' }))
    .then([{ type: 'StockReturned', data: { sku: 'sku-a', orderId: 'o1', quantity: 4, onHand: 10, available: 10 } }]);
});

giveBack('changes nothing when already returned', () => {
  const returned: InventoryEvent = {
    type: 'StockReturned',
    data: { sku: 'sku-a', orderId: 'o1', quantity: 4, onHand: 10, available: 10 },
  };
  spec
    .given([...soldToO1(), returned])
    .when(command('ReturnStock', { orderId: 'o1' }))
    .then([]);
});

giveBack('refuses when nothing was committed (422)', () => {
  spec
    .given([registered(), reserved('o1', 4, 10, 6)])
    .when(command('ReturnStock', { orderId: 'o1' }))
    .thenThrows('nothing_committed');
});

register.run();
restock.run();
reserve.run();
release.run();
commit.run();
giveBack.run();

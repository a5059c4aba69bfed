import * as assert from 'uvu/assert';
import { readModelSuite } from '../projector/testing/read-model-suite.ts';
import { recordedEvent } from '../projector/testing/recorded-events.ts';
import { inventoryProjection } from './inventory-projection.ts';
import { getInventoryItem, inventoryVersion } from './inventory-queries.ts';

const { test, apply } = readModelSuite('inventory read model', 'inventory', inventoryProjection());

const stream = 'inventory-sku-a';
const history = [
  recordedEvent(stream, 0, 'SkuRegistered', {
    sku: 'sku-a',
    name: 'Widget',
    unitPrice: 1500,
    initialStock: 10,
    onHand: 10,
    available: 10,
  }),
  recordedEvent(stream, 1, 'StockReserved', { sku: 'sku-a', orderId: 'o1', quantity: 4, onHand: 10, available: 6 }),
  recordedEvent(stream, 2, 'StockReservationRejected', { sku: 'sku-a', orderId: 'o2', requested: 9, available: 6 }),
  recordedEvent(stream, 3, 'ReservationCommitted', {
    sku: 'sku-a',
    orderId: 'o1',
    quantity: 4,
    onHand: 6,
    available: 6,
  }),
  recordedEvent(stream, 4, 'StockRestocked', { sku: 'sku-a', quantity: 5, onHand: 11, available: 11 }),
  recordedEvent(stream, 5, 'StockReserved', { sku: 'sku-a', orderId: 'o3', quantity: 2, onHand: 11, available: 9 }),
];

test('levels are taken from the events (set, never added) in the GET /inventory/:sku shape', async ({ db }) => {
  await apply(db, history);
  assert.equal(await getInventoryItem(db.pool, 'sku-a'), {
    sku: 'sku-a',
    name: 'Widget',
    unitPrice: 1500,
    onHand: 11,
    reserved: 2,
    available: 9,
  });
  assert.is(await inventoryVersion(db.pool, 'sku-a'), 5);
  assert.is(await getInventoryItem(db.pool, 'sku-x'), undefined);
});

test('a redelivered or late event changes nothing; a rejection still moves the version', async ({ db }) => {
  await apply(db, history.slice(0, 3));
  assert.is(await inventoryVersion(db.pool, 'sku-a'), 2, 'the rejection moved the version');
  const before = await getInventoryItem(db.pool, 'sku-a');
  await apply(db, [history[1]!, history[0]!, history[2]!]);
  assert.equal(await getInventoryItem(db.pool, 'sku-a'), before);
  await apply(db, history);
  await apply(db, [...history].reverse());
  assert.equal((await getInventoryItem(db.pool, 'sku-a'))?.available, 9);
  assert.is(await inventoryVersion(db.pool, 'sku-a'), 5);
});

test.run();

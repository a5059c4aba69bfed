import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { inventoryStreamId } from '../../domain/streams.ts';
import { SagaHarness } from './harness.ts';

const test = suite('saga under contention');

test('50 orders race for 10 units of one SKU: exactly 10 confirmed, stock never below zero', async () => {
  const harness = await SagaHarness.create();
  try {
    await harness.startSaga();
    const sku = await harness.registerSku(10, 1_000);
    const orders = await Promise.all(
      Array.from({ length: 50 }, () =>
        harness.placeOrder({
          items: [{ sku, quantity: 1 }],
          payment: [{ method: 'card', amount: 1_000, token: 'tok_ok' }],
        }),
      ),
    );

    const sagas = await Promise.all(orders.map((orderId) => harness.settled(orderId, 60_000)));
    const states = await Promise.all(orders.map((orderId) => harness.order(orderId)));
    const confirmed = states.filter((state) => state.status === 'Confirmed');
    const cancelled = states.filter((state) => state.status === 'Cancelled');
    assert.is(confirmed.length, 10, 'exactly the stock on hand was sold');
    assert.is(cancelled.length, 40);
    assert.ok(
      cancelled.every((state) => state.status === 'Cancelled' && state.reason === 'out_of_stock'),
      'every other order was cancelled for lack of stock',
    );
    assert.is(sagas.filter((saga) => saga.status === 'completed').length, 10);
    assert.is(sagas.filter((saga) => saga.status === 'compensated').length, 40);

    const events = await harness.events(inventoryStreamId(sku));
    const reserved = events.filter((event) => event.type === 'StockReserved');
    assert.is(reserved.length, 10, 'one reservation per confirmed order');
    assert.ok(
      reserved.every((event) => (event.data as { available: number }).available >= 0),
      'available never below zero',
    );
    assert.is(new Set(reserved.map((event) => (event.data as { orderId: string }).orderId)).size, 10);
    assert.is(events.filter((event) => event.type === 'StockReservationRejected').length, 40);
    const stock = await harness.inventory(sku);
    assert.ok(stock.status === 'Registered' && stock.onHand === 0 && stock.reserved === 0, JSON.stringify(stock));
  } finally {
    await harness.close();
  }
});

test.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { inventoryStreamId, paymentStreamId, pointsStreamId } from '../../domain/streams.ts';
import { waitFor } from '../../test/support/wait.ts';
import { SagaHarness, type SagaProcess } from './harness.ts';

const test = suite('saga process killed mid-flow');

/** Slow answers keep the orders in flight when the process dies. */
const sagaEnv = { GATEWAY_LATENCY_MS: '150', SAGA_RETRY_BASE_MS: '50' };

test('SIGKILL while orders are in flight, restart: the same end states, nothing done twice', async () => {
  const harness = await SagaHarness.create();
  let saga: SagaProcess | undefined;
  try {
    const [a, b] = await Promise.all([harness.registerSku(100, 300), harness.registerSku(100, 200)]);
    const scarce = await harness.registerSku(0, 100);
    saga = harness.startSagaProcess(sagaEnv);

    const happy = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const customerId = await harness.grantPoints(100);
        const orderId = await harness.placeOrder({
          customerId,
          items: [
            { sku: a, quantity: 1 },
            { sku: b, quantity: 1 },
          ],
          payment: [
            { method: 'card', amount: 400, token: 'tok_ok' },
            { method: 'points', amount: 100 },
          ],
        });
        return { orderId, customerId };
      }),
    );
    const declined = await harness.placeOrder({
      items: [{ sku: a, quantity: 2 }],
      payment: [{ method: 'card', amount: 600, token: 'tok_declined' }],
    });
    const outOfStock = await harness.placeOrder({
      items: [
        { sku: b, quantity: 1 },
        { sku: scarce, quantity: 1 },
      ],
      payment: [{ method: 'card', amount: 300, token: 'tok_ok' }],
    });
    const all = [...happy.map((order) => order.orderId), declined, outOfStock];

    await waitFor(async () => (await Promise.all(all.map((id) => harness.sagaEvents(id)))).some((e) => e.length > 0), {
      what: 'the first saga events',
      timeoutMs: 30_000,
    });
    await saga.kill('SIGKILL');
    const unsettled = await Promise.all(all.map(async (id) => (await harness.saga(id))?.status));
    assert.ok(
      unsettled.some((status) => status !== 'completed' && status !== 'compensated'),
      `some orders were still in flight when the process died: ${unsettled.join(', ')}`,
    );

    saga = harness.startSagaProcess(sagaEnv);
    // The dead member holds its partitions until its session times out (30 s), so the restart takes a while.
    for (const id of all) await harness.settled(id, 75_000);

    for (const { orderId, customerId } of happy) {
      assert.is((await harness.saga(orderId))?.status, 'completed', orderId);
      assert.is((await harness.order(orderId)).status, 'Confirmed', orderId);
      for (const sku of [a, b]) {
        assert.is(
          await harness.count(inventoryStreamId(sku), 'StockReserved', orderId),
          1,
          `${orderId} ${sku} reserved`,
        );
        assert.is(await harness.count(inventoryStreamId(sku), 'ReservationCommitted', orderId), 1, `${orderId} commit`);
      }
      assert.is(await harness.count(pointsStreamId(customerId), 'PointsSpent'), 1, `${orderId} points spent once`);
      assert.equal(
        (await harness.events(paymentStreamId(orderId))).map((event) => event.type),
        ['PaymentRequested', 'PaymentAuthorized', 'PaymentCaptured'],
        orderId,
      );
    }
    const declinedOrder = await harness.order(declined);
    assert.ok(declinedOrder.status === 'Cancelled' && declinedOrder.reason === 'payment_declined');
    assert.is(await harness.count(inventoryStreamId(a), 'StockReserved', declined), 1);
    assert.is(await harness.count(inventoryStreamId(a), 'StockReleased', declined), 1);
    const rejectedOrder = await harness.order(outOfStock);
    assert.ok(rejectedOrder.status === 'Cancelled' && rejectedOrder.reason === 'out_of_stock');
    assert.is(await harness.count(inventoryStreamId(b), 'StockReserved', outOfStock), 1);
    assert.is(await harness.count(inventoryStreamId(b), 'StockReleased', outOfStock), 1);

    for (const sku of [a, b]) {
      const stock = await harness.inventory(sku);
      assert.ok(stock.status === 'Registered' && stock.onHand === 94 && stock.reserved === 0, JSON.stringify(stock));
    }

    await saga.kill('SIGTERM');
    assert.equal(await saga.exited, { code: 0, signal: null }, 'SIGTERM stops the process cleanly');
  } catch (error) {
    if (saga) process.stderr.write(saga.output.join('').slice(-4_000));
    throw error;
  } finally {
    await harness.close();
  }
});

test.run();

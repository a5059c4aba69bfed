import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { inventoryStreamId, paymentStreamId, pointsStreamId } from '../../domain/streams.ts';
import { waitFor } from '../../test/support/wait.ts';
import { SagaHarness, type SagaProcess } from './harness.ts';

const test = suite('saga process killed mid-flow');

/** Slow answers keep the orders in flight when the process dies. */
const sagaEnv = { GATEWAY_LATENCY_MS: '150', SAGA_RETRY_BASE_MS: '50' };

interface MixedOrders {
  a: string;
  b: string;
  happy: { orderId: string; customerId: string }[];
  declined: string;
  outOfStock: string;
  all: string[];
}

/** Six orders that complete, one whose card is declined, one with a line out of stock. */
const placeMixedOrders = async (harness: SagaHarness): Promise<MixedOrders> => {
  const [a, b] = await Promise.all([harness.registerSku(100, 300), harness.registerSku(100, 200)]);
  const scarce = await harness.registerSku(0, 100);
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
  return { a, b, happy, declined, outOfStock, all: [...happy.map((order) => order.orderId), declined, outOfStock] };
};

const waitForFirstSagaEvents = (harness: SagaHarness, all: string[]) =>
  waitFor(async () => (await Promise.all(all.map((id) => harness.sagaEvents(id)))).some((e) => e.length > 0), {
    what: 'the first saga events',
    timeoutMs: 30_000,
  });

const assertSomeInFlight = async (harness: SagaHarness, all: string[]) => {
  const unsettled = await Promise.all(all.map(async (id) => (await harness.saga(id))?.status));
  assert.ok(
    unsettled.some((status) => status !== 'completed' && status !== 'compensated'),
    `some orders were still in flight when the process died: ${unsettled.join(', ')}`,
  );
};

/** Every order ended as it should, and every effect (reservation, commit, points, payment) happened once. */
const assertSettledOnce = async (harness: SagaHarness, { a, b, happy, declined, outOfStock }: MixedOrders) => {
  for (const { orderId, customerId } of happy) {
    assert.is((await harness.saga(orderId))?.status, 'completed', orderId);
    assert.is((await harness.order(orderId)).status, 'Confirmed', orderId);
    for (const sku of [a, b]) {
      assert.is(await harness.count(inventoryStreamId(sku), 'StockReserved', orderId), 1, `${orderId} ${sku} reserved`);
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
};

test('SIGKILL while orders are in flight, restart: the same end states, nothing done twice', async () => {
  const harness = await SagaHarness.create();
  let saga: SagaProcess | undefined;
  try {
    saga = harness.startSagaProcess(sagaEnv);
    const orders = await placeMixedOrders(harness);
    await waitForFirstSagaEvents(harness, orders.all);
    await saga.kill('SIGKILL');
    await assertSomeInFlight(harness, orders.all);

    saga = harness.startSagaProcess(sagaEnv);
    // The dead member holds its partitions until its session times out, so the restart takes a while.
    for (const id of orders.all) await harness.settled(id, 75_000);
    await assertSettledOnce(harness, orders);

    await saga.kill('SIGTERM');
    assert.equal(await saga.exited, { code: 0, signal: null }, 'SIGTERM stops the process cleanly');
  } catch (error) {
    if (saga) process.stderr.write(saga.output.join('').slice(-4_000));
    throw error;
  } finally {
    await harness.close();
  }
});

test('two saga instances, one killed with SIGKILL mid-flow: the other settles every order, each once', async () => {
  const harness = await SagaHarness.create();
  const instances: SagaProcess[] = [];
  try {
    instances.push(harness.startSagaProcess(sagaEnv), harness.startSagaProcess(sagaEnv));
    await waitFor(() => instances.every((instance) => instance.output.join('').includes('saga started')), {
      what: 'both instances started',
      timeoutMs: 60_000,
    });
    const orders = await placeMixedOrders(harness);
    await waitForFirstSagaEvents(harness, orders.all);
    await instances[0]!.kill('SIGKILL');
    await assertSomeInFlight(harness, orders.all);

    // The survivor takes over the dead member's partitions once its session times out; nothing is restarted.
    for (const id of orders.all) await harness.settled(id, 75_000);
    await assertSettledOnce(harness, orders);
    assert.is(instances[1]!.child.exitCode, null, 'the survivor is still running');
  } catch (error) {
    for (const instance of instances) process.stderr.write(instance.output.join('').slice(-3_000));
    throw error;
  } finally {
    await harness.close();
  }
});

test.run();

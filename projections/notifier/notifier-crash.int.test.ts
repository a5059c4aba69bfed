import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { waitFor } from '../../test/support/wait.ts';
import { NotifierHarness, type NotifierProcess } from './notifier-harness.ts';

const test = suite('notifier process killed mid-delivery');

// Long enough that the kill always lands while the receivers still hold the requests; the lease that a
// dead notifier leaves behind is this plus 15 s, so the restart picks the deliveries up after it.
const notifierEnv = { WEBHOOK_TIMEOUT: '5s', WEBHOOK_MAX_ATTEMPTS: '4' };

test('SIGKILL while receivers hold the requests, restart: every delivery sent, each outcome recorded once', async () => {
  const harness = await NotifierHarness.create();
  let notifier: NotifierProcess | undefined;
  try {
    const a = await harness.subscribe('/a', ['order.confirmed']);
    const b = await harness.subscribe('/b', ['order.confirmed']);
    for (const path of ['/a', '/b']) harness.receiver.script(path, ['hang', { status: 200 }]);
    notifier = harness.startNotifierProcess(notifierEnv);
    const orders = [await harness.placeOrder(), await harness.placeOrder()];
    for (const { orderId } of orders) await harness.confirmOrder(orderId);

    await waitFor(() => harness.receiver.at('/a').length >= 1 && harness.receiver.at('/b').length >= 1, {
      what: 'an attempt in flight at each receiver',
      timeoutMs: 60_000,
    });
    await notifier.kill('SIGKILL');
    harness.receiver.releaseHanging();
    const inFlight = [...(await harness.deliveries(a.id)), ...(await harness.deliveries(b.id))];
    assert.ok(
      inFlight.some((row) => row.status === 'pending' && row.attempts === 1),
      `the kill came mid-delivery: ${JSON.stringify(inFlight)}`,
    );

    notifier = harness.startNotifierProcess(notifierEnv);
    const all = await waitFor(
      async () => {
        const rows = [...(await harness.deliveries(a.id)), ...(await harness.deliveries(b.id))];
        return rows.length === 4 && rows.every((row) => row.status === 'sent') && rows;
      },
      { what: 'all four deliveries sent after the restart', timeoutMs: 90_000, intervalMs: 200 },
    );

    for (const row of all) {
      const outcomes = await harness.outcomes(row.id);
      assert.equal(
        outcomes.map((event) => event.type),
        ['NotificationSent'],
        `${row.id}: one outcome`,
      );
    }
    for (const [path, subscription] of [
      ['/a', a],
      ['/b', b],
    ] as const) {
      const ids = harness.receiver.at(path).map((request) => String(request.headers['webhook-id']));
      const rows = all.filter((row) => ids.includes(row.id));
      assert.is(new Set(ids).size, 2, `${path}: both events arrived, a receiver deduping by Webhook-Id sees each once`);
      assert.equal(new Set(ids), new Set((await harness.deliveries(subscription.id)).map((row) => row.id)));
      assert.ok(rows.length === 2);
      assert.ok(ids.length >= 3, `${path}: the attempt cut by the kill was made again under the same Webhook-Id`);
    }

    await notifier.kill('SIGTERM');
    assert.equal(await notifier.exited, { code: 0, signal: null }, 'SIGTERM stops the process cleanly');
  } catch (error) {
    if (notifier) process.stderr.write(notifier.output.join('').slice(-4_000));
    throw error;
  } finally {
    await harness.close();
  }
});

test.run();

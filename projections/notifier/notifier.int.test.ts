import { createHmac } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { verifyWebhook } from '../../commands/webhooks/webhook-signature.ts';
import { enableWebhookSubscription, getWebhookSubscription } from '../../commands/webhooks/webhook-subscriptions.ts';
import { collectRecords } from '../../test/support/kafka.ts';
import { waitFor } from '../../test/support/wait.ts';
import { notificationSteps } from '../notifications/notification-queries.ts';
import { redeliver } from './deliveries.ts';
import { NotifierHarness, type ReceivedRequest } from './notifier-harness.ts';

const test = suite('notifier: signed webhooks to a real receiver');

/** The receiver's check, written out here rather than borrowed from the code under test. */
const signedBy = (secret: string, request: ReceivedRequest): boolean => {
  const id = String(request.headers['webhook-id']);
  const timestamp = String(request.headers['webhook-timestamp']);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${request.body}`).digest('base64')}`;
  return String(request.headers['webhook-signature']) === expected;
};

test('a confirmed and a cancelled order each give one correctly signed delivery; a refund one to its subscriber', async () => {
  const harness = await NotifierHarness.create();
  try {
    const hook = await harness.subscribe('/orders', ['order.confirmed', 'order.cancelled']);
    const other = await harness.subscribe('/refunds-only', ['order.refunded']);
    await harness.startNotifier();
    const confirmed = await harness.placeOrder(undefined, 4_200);
    const cancelled = await harness.placeOrder(undefined, 900);
    const untold = await harness.placeOrder();
    await harness.confirmOrder(confirmed.orderId);
    await harness.cancelOrder(cancelled.orderId);

    const sent = await waitFor(
      async () => {
        const rows = await harness.deliveries(hook.id);
        return rows.length === 2 && rows.every((row) => row.status === 'sent') && rows;
      },
      { what: 'both deliveries sent', timeoutMs: 30_000 },
    );
    const requests = harness.receiver.at('/orders');
    assert.is(requests.length, 2, 'one request per event');
    for (const request of requests) {
      assert.ok(signedBy(hook.secret, request), 'the signature is HMAC-SHA256 over id.timestamp.body');
      assert.ok(
        verifyWebhook(
          hook.secret,
          {
            id: String(request.headers['webhook-id']),
            timestamp: String(request.headers['webhook-timestamp']),
            signature: String(request.headers['webhook-signature']),
          },
          request.body,
          new Date(),
        ),
      );
      assert.is(request.headers['content-type'], 'application/json');
      assert.ok(sent.some((row) => row.id === request.headers['webhook-id']));
    }
    const bodies = requests.map((request) => JSON.parse(request.body));
    const ofOrder = (orderId: string) => bodies.find((body) => body.data.orderId === orderId);
    const confirmation = ofOrder(confirmed.orderId);
    assert.is(confirmation.type, 'order.confirmed');
    assert.equal(confirmation.data, {
      orderId: confirmed.orderId,
      customerId: confirmed.customerId,
      status: 'confirmed',
      total: 4_200,
    });
    assert.type(confirmation.id, 'string');
    assert.ok(!Number.isNaN(Date.parse(confirmation.occurredAt)));
    assert.equal(ofOrder(cancelled.orderId).data, {
      orderId: cancelled.orderId,
      customerId: cancelled.customerId,
      status: 'cancelled',
      cancellationReason: 'customer_request',
      total: 900,
    });
    assert.is(ofOrder(untold.orderId), undefined, 'a placed order is not told about');

    await harness.refund(cancelled.orderId, 900);
    await waitFor(async () => (await harness.deliveries(other.id))[0]?.status === 'sent', {
      what: 'the refund delivered',
      timeoutMs: 30_000,
    });
    const [refund] = harness.receiver.at('/refunds-only');
    assert.ok(refund && signedBy(other.secret, refund));
    assert.equal(JSON.parse(refund!.body).data, {
      orderId: cancelled.orderId,
      customerId: cancelled.customerId,
      status: 'refunded',
      cancellationReason: 'customer_request',
      total: 900,
    });
    assert.is(JSON.parse(refund!.body).type, 'order.refunded');
    assert.equal(await harness.deliveries(other.id).then((rows) => rows.length), 1, 'only the refund');
    assert.is(
      harness.receiver.at('/orders').length,
      2,
      'the refund is not told to the confirmed/cancelled subscription',
    );

    for (const row of sent) {
      const outcomes = await harness.outcomes(row.id);
      assert.equal(
        outcomes.map((event) => event.type),
        ['NotificationSent'],
      );
      assert.equal(
        { ...(outcomes[0]!.data as object), at: undefined, sourceEventId: undefined },
        {
          deliveryId: row.id,
          subscriptionId: hook.id,
          orderId: row.order_id,
          eventType: row.order_id === confirmed.orderId ? 'order.confirmed' : 'order.cancelled',
          attempts: 1,
          lastStatus: 200,
          at: undefined,
          sourceEventId: undefined,
        },
      );
      assert.is(outcomes[0]!.metadata.correlationId, row.order_id);
    }
    // The notifier's projector puts each outcome on the order's timeline (GET /sagas/:orderId).
    const steps = await waitFor(
      async () => {
        const found = await notificationSteps(harness.db.pool, confirmed.orderId);
        return found.length === 1 && found;
      },
      { what: 'the delivery on the timeline', timeoutMs: 30_000 },
    );
    assert.equal(steps[0]!.name, `notify:order.confirmed:${hook.id}`);
    assert.is(steps[0]!.status, 'succeeded');
  } finally {
    await harness.close();
  }
});

test('a receiver answering 500, 500, then 200 gets three attempts with the same Webhook-Id', async () => {
  const harness = await NotifierHarness.create();
  try {
    const hook = await harness.subscribe('/flaky', ['order.confirmed']);
    harness.receiver.script('/flaky', [{ status: 500 }, { status: 500 }, { status: 200 }]);
    await harness.startNotifier({ maxAttempts: 5 });
    const { orderId } = await harness.placeOrder();
    await harness.confirmOrder(orderId);

    const [row] = await waitFor(
      async () => {
        const rows = await harness.deliveries(hook.id);
        return rows[0]?.status === 'sent' && rows;
      },
      { what: 'the delivery sent', timeoutMs: 30_000 },
    );
    const attempts = harness.receiver.at('/flaky');
    assert.is(attempts.length, 3);
    assert.equal(
      attempts.map((request) => request.headers['webhook-id']),
      [row!.id, row!.id, row!.id],
    );
    assert.is(JSON.parse(attempts[0]!.body).id, JSON.parse(attempts[2]!.body).id, 'the same event every time');
    for (const request of attempts) assert.ok(signedBy(hook.secret, request));
    const outcomes = await harness.outcomes(row!.id);
    assert.equal(
      outcomes.map((event) => [event.type, (event.data as { attempts: number }).attempts]),
      [['NotificationSent', 3]],
    );
    assert.is(row!.attempts, 3);
  } finally {
    await harness.close();
  }
});

test('a 429 waits its Retry-After; a redirect is never followed and fails at once', async () => {
  const harness = await NotifierHarness.create();
  try {
    const limited = await harness.subscribe('/limited', ['order.confirmed']);
    const moved = await harness.subscribe('/moved', ['order.confirmed']);
    harness.receiver.script('/limited', [{ status: 429, headers: { 'retry-after': '1' } }, { status: 200 }]);
    harness.receiver.script('/moved', [{ status: 302, headers: { location: harness.receiver.url('/elsewhere') } }]);
    // Backoff alone would retry within 200 ms here; only the Retry-After asks for a whole second.
    await harness.startNotifier({ maxAttempts: 5, retryMaxMs: 5_000 });
    const { orderId } = await harness.placeOrder();
    await harness.confirmOrder(orderId);

    await waitFor(async () => (await harness.deliveries(limited.id))[0]?.status === 'sent', {
      what: 'the rate-limited delivery sent',
      timeoutMs: 30_000,
    });
    const [first, second] = harness.receiver.at('/limited');
    assert.ok(first && second);
    assert.ok(second!.at - first!.at >= 1_000, `the retry waited the Retry-After (${second!.at - first!.at} ms)`);

    const [redirected] = await waitFor(
      async () => {
        const rows = await harness.deliveries(moved.id);
        return rows[0]?.status === 'failed' && rows;
      },
      { what: 'the redirected delivery failed', timeoutMs: 30_000 },
    );
    assert.is(redirected!.attempts, 1, 'a 3xx is not retried');
    assert.is(redirected!.last_status, 302);
    assert.is(harness.receiver.at('/elsewhere').length, 0, 'the redirect was not followed');
  } finally {
    await harness.close();
  }
});

test('a receiver that never answers ends failed in the dead-letter topic; another subscription keeps receiving', async () => {
  const harness = await NotifierHarness.create();
  let collector: Awaited<ReturnType<typeof collectRecords>> | undefined;
  try {
    const silent = await harness.subscribe('/silent', ['order.confirmed']);
    const healthy = await harness.subscribe('/healthy', ['order.confirmed']);
    harness.receiver.script('/silent', ['hang']);
    const notifier = await harness.startNotifier({ maxAttempts: 2, timeoutMs: 500 });
    const orders = [await harness.placeOrder(), await harness.placeOrder(), await harness.placeOrder()];
    for (const { orderId } of orders) await harness.confirmOrder(orderId);

    await waitFor(
      async () => {
        const rows = await harness.deliveries(healthy.id);
        return rows.length === 3 && rows.every((row) => row.status === 'sent');
      },
      { what: 'the healthy subscription to receive all three', timeoutMs: 30_000 },
    );
    assert.is(harness.receiver.at('/healthy').length, 3);

    const failed = await waitFor(
      async () => {
        const rows = await harness.deliveries(silent.id);
        return rows.length === 3 && rows.every((row) => row.status === 'failed') && rows;
      },
      { what: 'the silent subscription to fail all three', timeoutMs: 60_000 },
    );
    for (const row of failed) {
      assert.is(row.attempts, 2);
      assert.is(row.last_status, null, 'nothing ever answered');
      const outcomes = await harness.outcomes(row.id);
      assert.equal(
        outcomes.map((event) => event.type),
        ['NotificationFailed'],
      );
      const data = outcomes[0]!.data as { attempts: number; lastStatus?: number; lastError: string };
      assert.is(data.attempts, 2);
      assert.is(data.lastStatus, undefined);
      assert.match(data.lastError, 'no answer');
    }
    // The notifier made its dead-letter topic when it started; read from its beginning.
    collector = await collectRecords([notifier.deadLetterTopic]);
    const dlq = collector;
    const letters = await waitFor(
      () => {
        const found = dlq.records.filter((record) => record.headers['webhook-subscription-id'] === silent.id);
        return found.length >= 3 && found;
      },
      { what: 'three dead letters', timeoutMs: 30_000 },
    );
    assert.equal(
      new Set(letters.map((letter) => letter.headers['webhook-delivery-id'])),
      new Set(failed.map((row) => row.id)),
    );
    for (const letter of letters) {
      assert.is(letter.headers['event-type'], 'OrderConfirmed', 'the order event it told about, as read');
      assert.is(letter.headers['dlq-group'], `${harness.prefix}notifier`);
      assert.is(letter.headers['dlq-origin-topic'], `${harness.prefix}order-events`);
      assert.match(letter.headers['dlq-reason']!, 'failed after 2 attempt(s)');
    }
    assert.not.ok(
      dlq.records.some((record) => record.headers['webhook-subscription-id'] === healthy.id),
      'nothing of the healthy subscription is dead-lettered',
    );
  } finally {
    await collector?.stop();
    await harness.close();
  }
});

test('a subscription failing for WEBHOOK_DISABLE_AFTER is disabled; enabled again, what waited goes out; a redeliver is a new round', async () => {
  const harness = await NotifierHarness.create();
  try {
    const hook = await harness.subscribe('/down', ['order.confirmed']);
    harness.receiver.script('/down', [{ status: 503 }]);
    await harness.startNotifier({ maxAttempts: 2, disableAfterMs: 1 });
    const first = await harness.placeOrder();
    await harness.confirmOrder(first.orderId);
    const [failed] = await waitFor(
      async () => {
        const rows = await harness.deliveries(hook.id);
        return rows[0]?.status === 'failed' && rows;
      },
      { what: 'the first delivery failed', timeoutMs: 30_000 },
    );
    const disabled = await getWebhookSubscription(harness.db.pool, hook.id);
    assert.is(disabled?.status, 'disabled');
    assert.match(disabled?.disabledReason ?? '', 'every attempt failed since');

    const second = await harness.placeOrder();
    await harness.confirmOrder(second.orderId);
    const waiting = await waitFor(
      async () => (await harness.deliveries(hook.id)).find((row) => row.order_id === second.orderId),
      { what: 'the second delivery queued while disabled', timeoutMs: 30_000 },
    );
    assert.is(waiting.status, 'pending');
    assert.is(waiting.attempts, 0, 'nothing is sent to a disabled subscription');

    harness.receiver.script('/down', [{ status: 204 }]);
    await enableWebhookSubscription(harness.db.pool, hook.id);
    harness.notifierWake();
    await waitFor(
      async () => (await harness.deliveries(hook.id)).find((row) => row.id === waiting.id)?.status === 'sent',
      { what: 'what waited delivered after the enable', timeoutMs: 30_000 },
    );

    assert.is((await redeliver(harness.db.pool, failed!.id))?.outcome, 'queued');
    harness.notifierWake();
    await waitFor(
      async () => (await harness.deliveries(hook.id)).find((row) => row.id === failed!.id)?.status === 'sent',
      { what: 'the redelivered delivery sent', timeoutMs: 30_000 },
    );
    const outcomes = await harness.outcomes(failed!.id);
    assert.equal(
      outcomes.map((event) => [event.type, (event.data as { attempts: number }).attempts]),
      [
        ['NotificationFailed', 2],
        ['NotificationSent', 3],
      ],
    );
    const ids = harness.receiver
      .at('/down')
      .filter((request) => JSON.parse(request.body).data.orderId === first.orderId)
      .map((request) => request.headers['webhook-id']);
    assert.equal(ids, [failed!.id, failed!.id, failed!.id], 'one Webhook-Id across rounds');
  } finally {
    await harness.close();
  }
});

test.run();

import { randomUUID } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { notificationsProjection } from '../projections/notifications/notifications-projection.ts';
import { envelopeOf } from '../projections/projector/testing/recorded-events.ts';
import { waitFor } from '../test/support/wait.ts';
import { type RunningReadApi, startReadApi } from './read-api-harness.ts';

/** A single-use ticket for the event stream, as the page gets one (an operator's token). */
const ticketOf = async (api: RunningReadApi): Promise<string> => {
  const response = await fetch(`${api.url}/dashboard/events/tickets`, {
    method: 'POST',
    headers: await api.tokens.bearer('operator', 'dashboard-operator'),
  });
  assert.is(response.status, 201);
  return ((await response.json()) as { ticket: string }).ticket;
};

/** An open `GET /dashboard/events` read frame by frame. */
const openEvents = async (api: RunningReadApi) => {
  const gone = new AbortController();
  const response = await fetch(`${api.url}/dashboard/events?ticket=${await ticketOf(api)}`, { signal: gone.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const frames: string[] = [];
  let buffer = '';
  let ended = false;
  const pump = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          frames.push(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted by the test
    }
    ended = true;
  })();
  return {
    response,
    frames,
    ended: () => ended,
    /** Waits for a frame that matches and returns it. */
    next: (pattern: RegExp, from = 0) =>
      waitFor(() => frames.slice(from).find((frame) => pattern.test(frame)), {
        timeoutMs: 5_000,
        what: String(pattern),
      }),
    close: async () => {
      gone.abort();
      await pump;
    },
  };
};

const summary = suite('GET /dashboard/summary', { api: undefined as unknown as RunningReadApi });
const lag = [{ projector: 'orders', groupId: 'projector.orders', store: 'postgres' as const, lag: 3, partitions: [] }];
summary.before(async (ctx) => {
  ctx.api = await startReadApi({ lag: async () => lag });
});
summary.after(async (ctx) => {
  await ctx.api.close();
});

summary('answers the Redis counters and each projection lag', async ({ api }) => {
  const now = new Date().toISOString();
  await api.seed.registerSku({ sku: 'sku-a', name: 'Mug', unitPrice: 1500, initialStock: 10 });
  const orders = [randomUUID(), randomUUID(), randomUUID()];
  for (const orderId of orders) await api.seed.placeOrder({ orderId, customerId: 'c-1', at: now });
  await api.seed.confirmOrder(orders[0]!, now);
  await api.seed.cancelOrder(orders[1]!, now);

  const answer = await api.get('/dashboard/summary');
  assert.is(answer.status, 200);
  assert.equal(answer.body.ordersByStatus, { pending: 1, confirmed: 1, cancelled: 1 });
  assert.equal(answer.body.sagasByState, { running: 0, compensating: 0, stuck: 0, completed: 0, compensated: 0 });
  assert.is(answer.body.ordersPerMinute.length, 60);
  // Summed over two minutes: the clock may have passed a minute boundary since the orders were placed.
  const recent = answer.body.ordersPerMinute.slice(-2).reduce((sum: number, m: { count: number }) => sum + m.count, 0);
  assert.is(recent, 3);
  assert.equal(answer.body.topSkus, []);
  assert.equal(answer.body.projections, lag);
  assert.equal(answer.body.notifications, { sent: 0, failed: 0 });
});

summary('counts webhook deliveries by their last outcome', async ({ api }) => {
  const delivery = (id: string, type: 'NotificationSent' | 'NotificationFailed', version: number) => ({
    id: randomUUID(),
    streamId: `notification-${id}`,
    version,
    position: 1n,
    type,
    data: {
      deliveryId: id,
      subscriptionId: 'wh_d',
      orderId: randomUUID(),
      eventType: 'order.confirmed',
      sourceEventId: randomUUID(),
      attempts: 2,
      lastStatus: type === 'NotificationSent' ? 200 : 500,
      ...(type === 'NotificationFailed' ? { lastError: 'HTTP 500' } : {}),
      at: new Date().toISOString(),
    },
    metadata: {},
    recordedAt: new Date(),
  });
  const client = await api.schema.pool.connect();
  try {
    for (const event of [
      delivery('msg_d1', 'NotificationSent', 0),
      delivery('msg_d2', 'NotificationFailed', 0),
      delivery('msg_d3', 'NotificationFailed', 0),
      delivery('msg_d3', 'NotificationSent', 1),
    ]) {
      await notificationsProjection().handle(client, envelopeOf(event));
    }
  } finally {
    client.release();
  }
  const answer = await api.get('/dashboard/summary');
  assert.equal(answer.body.notifications, { sent: 2, failed: 1 });
});

summary('without the lag when Kafka does not answer: counters still come, the error says why', async () => {
  const api = await startReadApi({
    lag: async () => {
      throw new Error('broker gone');
    },
  });
  try {
    const answer = await api.get('/dashboard/summary');
    assert.is(answer.status, 200);
    assert.equal(answer.body.ordersByStatus, { pending: 0, confirmed: 0, cancelled: 0 });
    assert.is(answer.body.projections, null);
    assert.is(answer.body.projectionLagError, 'broker gone');
  } finally {
    await api.close();
  }
});

summary('the page, its script and style are served with a strict content policy', async ({ api }) => {
  const page = await api.get('/');
  assert.is(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  assert.match(page.body, /<script type="module" src="\/dashboard\/dashboard.js">/);
  const script = await api.get('/dashboard/dashboard.js');
  assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/);
  assert.match(script.body, /new EventSource\(`\/dashboard\/events\?ticket=/);
  assert.match(script.body, /sessionStorage/);
  const style = await api.get('/dashboard/dashboard.css');
  assert.match(style.headers.get('content-type') ?? '', /^text\/css/);
});

summary.run();

const events = suite('GET /dashboard/events', { api: undefined as unknown as RunningReadApi });
events.before(async (ctx) => {
  ctx.api = await startReadApi({ events: { coalesceMs: 50, refreshMs: 300, heartbeatMs: 200 } });
});
events.after(async (ctx) => {
  await ctx.api.close();
});

events('a ticket opens one stream only; no ticket or token is 401, a customer is 403', async ({ api }) => {
  const ticket = await ticketOf(api);
  const first = await fetch(`${api.url}/dashboard/events?ticket=${ticket}`);
  assert.is(first.status, 200);
  await first.body?.cancel();
  const again = await fetch(`${api.url}/dashboard/events?ticket=${ticket}`);
  assert.is(again.status, 401);
  assert.match(again.headers.get('www-authenticate') ?? '', /^Bearer .*error="invalid_token"/);
  const none = await fetch(`${api.url}/dashboard/events`);
  assert.is(none.status, 401);
  assert.is(none.headers.get('www-authenticate'), 'Bearer realm="orders"');
  const customer = await api.tokens.bearer('customer', 'c-1');
  assert.is((await fetch(`${api.url}/dashboard/events/tickets`, { method: 'POST', headers: customer })).status, 403);
  assert.is((await fetch(`${api.url}/dashboard/events`, { headers: customer })).status, 403);
  const operator = await fetch(`${api.url}/dashboard/events`, { headers: await api.tokens.bearer('operator', 'op') });
  assert.is(operator.status, 200, 'a non-browser client may use its bearer token');
  await operator.body?.cancel();
});

events('a text/event-stream that starts with retry and ready', async ({ api }) => {
  const stream = await openEvents(api);
  try {
    assert.is(stream.response.status, 200);
    assert.match(stream.response.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.match(stream.response.headers.get('cache-control') ?? '', /no-cache/);
    const first = await stream.next(/event: ready/);
    assert.match(first, /^retry: 2000\nevent: ready\ndata: \{"at":"/);
  } finally {
    await stream.close();
  }
});

events('each burst of change messages on <prefix>changes reaches the client as one change event', async ({ api }) => {
  const stream = await openEvents(api);
  try {
    await stream.next(/event: ready/);
    // The subscription is made when the first client arrives; wait until Redis counts it.
    await waitFor(async () => {
      const [, count] = (await api.redis.pubsub('NUMSUB', `${api.redisPrefix}changes`)) as [string, number];
      return count > 0;
    });
    const from = stream.frames.length;
    await Promise.all([api.publishChange(), api.publishChange(), api.publishChange()]);
    const change = await stream.next(/event: change/, from);
    assert.match(change, /data: \{"changes":3\}/);
  } finally {
    await stream.close();
  }
});

events('heartbeat comments and periodic refresh events keep coming while nothing changes', async ({ api }) => {
  const stream = await openEvents(api);
  try {
    await stream.next(/^: heartbeat$/m);
    await stream.next(/event: refresh/);
  } finally {
    await stream.close();
  }
});

events('a client that leaves is dropped, and close() ends every open stream', async ({ api }) => {
  const leaving = await openEvents(api);
  const staying = await openEvents(api);
  await leaving.next(/event: ready/);
  await staying.next(/event: ready/);
  const before = await waitFor(() => {
    const count = api.api.eventClients();
    return count >= 2 && count;
  });
  await leaving.close();
  await waitFor(() => api.api.eventClients() === before - 1, { what: 'the server to drop the client' });
  await api.api.close();
  await waitFor(() => staying.ended(), { what: 'the stream to end' });
  assert.is(api.api.eventClients(), 0);
  assert.equal(api.errorsLogged, [], 'a client leaving is not an error');
});

events.run();

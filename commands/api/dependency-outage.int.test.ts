import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../deploy/config.ts';
import { postgresTargetOf } from '../../deploy/local/postgres.ts';
import { uniqueName } from '../../test/support/names.ts';
import { startTcpProxy } from '../../test/support/tcp-proxy.ts';
import { waitFor } from '../../test/support/wait.ts';
import type { EventStore } from '../event-store/event-store.ts';
import { PostgresEventStore } from '../event-store/postgres/postgres-event-store.ts';
import { startCommandApi } from './command-api-harness.ts';

const test = suite('command API while PostgreSQL is away');

test('POST /orders answers 503 with Retry-After while the store is cut off, /health names it, both recover', async () => {
  const target = postgresTargetOf(loadConfig().databaseUrl);
  const proxy = await startTcpProxy(target.host, target.port);
  let proxied: EventStore | undefined;
  const api = await startCommandApi({
    healthTimeoutMs: 1_000,
    wrapStore: (_store, schema) => {
      // The harness's schema, reached through the proxy: same data, a connection the test can cut.
      const url = new URL(loadConfig().databaseUrl);
      url.host = `127.0.0.1:${proxy.port}`;
      proxied = PostgresEventStore.fromConnectionString(url.toString(), {
        name: 'outage-test',
        connectTimeoutMs: 1_000,
        extra: { options: schema.poolConfig.options },
        log: () => undefined,
      });
      return proxied;
    },
  });
  try {
    const sku = uniqueName('sku');
    const registered = await api.post('/inventory', { sku, name: 'Mug', unitPrice: 1_000, initialStock: 100 });
    assert.is(registered.status, 201, JSON.stringify(registered.body));
    const order = () =>
      api.post('/orders', {
        customerId: uniqueName('customer'),
        items: [{ sku, quantity: 1 }],
        payment: [{ method: 'card', amount: 1_000, token: 'tok_ok' }],
      });
    assert.is((await order()).status, 202);

    proxy.cut();
    for (let attempt = 0; attempt < 3; attempt++) {
      const started = Date.now();
      const refused = await order();
      assert.is(refused.status, 503, JSON.stringify(refused.body));
      assert.is(refused.headers.get('retry-after'), '5');
      assert.is(refused.body.type, 'https://errors.orders.local/dependency_unavailable');
      assert.match(refused.body.detail, /postgres/);
      assert.ok(Date.now() - started < 5_000, 'answered, not hung');
    }
    const health = await api.get('/health');
    assert.is(health.status, 503);
    assert.is(health.body.store, 'down');
    assert.equal(api.errorsLogged, [], 'an outage is no internal error');

    proxy.restore();
    await waitFor(async () => (await api.get('/health')).status === 200, { what: '/health 200 again' });
    const accepted = await order();
    assert.is(accepted.status, 202, JSON.stringify(accepted.body));
  } finally {
    await api.close();
    await proxied?.close();
    await proxy.close();
  }
});

test.run();

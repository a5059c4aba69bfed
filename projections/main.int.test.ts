import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../deploy/config.ts';
import { withKafkaAdmin } from '../deploy/kafka-admin.ts';
import { createKafka } from '../deploy/kafka-client.ts';
import { uniqueName } from '../test/support/names.ts';
import { createTestSchema } from '../test/support/postgres.ts';
import { deleteTopicsWithPrefix } from '../test/support/topics.ts';
import { waitFor } from '../test/support/wait.ts';
import { readDashboardCounters } from './dashboard/dashboard-counters.ts';
import { getOrder } from './orders/order-queries.ts';
import { connectedProducer, produceEvents, recordedEvent } from './projector/testing/recorded-events.ts';
import { projectionLag } from './read-models.ts';

const test = suite('projector process');

test('projects into PostgreSQL and Redis, reports lag, and stops cleanly on SIGTERM', async () => {
  const config = loadConfig();
  const topicPrefix = `${uniqueName('main')}.`;
  const redisKeyPrefix = `${uniqueName('main')}:`;
  const db = await createTestSchema('main');
  const redis = new Redis(config.redisUrl);
  const databaseUrl = `${config.databaseUrl}?options=${encodeURIComponent(`-c search_path=${db.schema}`)}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'projections/main.ts'], {
    cwd: new URL('..', import.meta.url).pathname,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      KAFKA_TOPIC_PREFIX: topicPrefix,
      REDIS_KEY_PREFIX: redisKeyPrefix,
      METRICS_PORT_PROJECTORS: '0',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  const producer = await connectedProducer(createKafka(config.kafkaBrokers, 'main-test'));
  try {
    await waitFor(() => output.includes('projectors started'), { what: 'the projectors to start', timeoutMs: 30_000 });
    const placedAt = new Date().toISOString();
    await produceEvents(producer, `${topicPrefix}order-events`, [
      recordedEvent('order-m1', 0, 'OrderPlaced', {
        orderId: 'm1',
        customerId: 'c1',
        lines: [{ sku: 'sku-a', quantity: 1, unitPrice: 500 }],
        total: 500,
        currency: 'EUR',
        payment: [{ method: 'card', amount: 500, token: 'tok_ok' }],
        placedAt,
      }),
    ]);
    await waitFor(() => getOrder(db.pool, 'm1'), { what: 'the order row', timeoutMs: 30_000 });
    // Five consumer groups join at once; on a 2-core machine busy with other tests the last can take a while.
    await waitFor(async () => (await readDashboardCounters(redis, redisKeyPrefix)).ordersByStatus.pending === 1, {
      what: 'the dashboard counter',
      timeoutMs: 90_000,
    });
    const lags = await withKafkaAdmin(config.kafkaBrokers, (admin) =>
      projectionLag({ admin, pool: db.pool, redis, redisKeyPrefix, topicPrefix }),
    );
    assert.equal(
      lags.map((lag) => lag.projector),
      ['orders', 'inventory', 'payments', 'sagas', 'dashboard'],
    );
    assert.is(lags.find((lag) => lag.projector === 'orders')?.lag, 0);

    child.kill('SIGTERM');
    const exit = await Promise.race([
      exited,
      new Promise((resolve) => setTimeout(() => resolve('still running'), 20_000).unref()),
    ]);
    assert.is(exit, 0, 'exits by itself with status 0');
    assert.ok(output.includes('projectors stopped'));
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await producer.disconnect();
    const keys = await redis.keys(`${redisKeyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await db.drop();
    await deleteTopicsWithPrefix(topicPrefix);
  }
});

test.run();

import { Redis } from 'ioredis';
import pg from 'pg';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startReadApi } from './read-api-harness.ts';

const health = suite('GET /health');

health('200 when PostgreSQL and Redis both answer', async () => {
  const api = await startReadApi();
  try {
    const answer = await api.get('/health');
    assert.is(answer.status, 200);
    assert.equal(answer.body, { status: 'ok', postgres: 'up', redis: 'up' });
    assert.is(answer.headers.get('cache-control'), 'no-store');
  } finally {
    await api.close();
  }
});

health('503 naming Redis when nothing listens at its address', async () => {
  const deadRedis = new Redis({ port: 1, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  deadRedis.on('error', () => undefined);
  const api = await startReadApi({ redis: deadRedis, healthTimeoutMs: 500 });
  try {
    const answer = await api.get('/health');
    assert.is(answer.status, 503);
    assert.equal(answer.body, { status: 'down', postgres: 'up', redis: 'down' });
  } finally {
    await api.close();
    deadRedis.disconnect();
  }
});

health('503 naming PostgreSQL when it does not answer', async () => {
  const deadPool = new pg.Pool({ host: '127.0.0.1', port: 1, connectionTimeoutMillis: 300 });
  const api = await startReadApi({ pool: deadPool, healthTimeoutMs: 500 });
  try {
    const answer = await api.get('/health');
    assert.is(answer.status, 503);
    assert.equal(answer.body, { status: 'down', postgres: 'down', redis: 'up' });
  } finally {
    await api.close();
    await deadPool.end();
  }
});

health.run();

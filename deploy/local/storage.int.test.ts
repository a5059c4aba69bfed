import { Redis } from 'ioredis';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { uniqueName } from '../../test/support/names.ts';
import { createTestSchema, type TestSchema } from '../../test/support/postgres.ts';
import { loadConfig } from '../config.ts';
import { migrate } from '../migrate.ts';

const postgres = suite('local postgres');
let db: TestSchema;

postgres.before(async () => {
  db = await createTestSchema('stack');
});
postgres.after(() => db.drop());

postgres('migrations apply into the test schema, once', async () => {
  await migrate(db.pool);
  assert.equal(await migrate(db.pool), []);
  const { rows } = await db.pool.query<{ schema: string }>(
    "SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'schema_migrations'",
  );
  assert.ok(rows.some((row) => row.schema === db.schema));
});

postgres('a row written is read back from the test schema', async () => {
  await db.pool.query('CREATE TABLE stack_probe (id text PRIMARY KEY, body jsonb NOT NULL)');
  await db.pool.query('INSERT INTO stack_probe (id, body) VALUES ($1, $2)', ['a', { total: 12_500 }]);
  const { rows } = await db.pool.query('SELECT id, body FROM stack_probe');
  assert.equal(rows, [{ id: 'a', body: { total: 12_500 } }]);
  const current = await db.pool.query<{ schema: string }>('SELECT current_schema() AS schema');
  assert.is(current.rows[0]?.schema, db.schema);
});

const redis = suite('local redis');
let client: Redis;
const prefix = `${uniqueName('stack')}:`;

redis.before(async () => {
  client = new Redis(loadConfig().redisUrl, { maxRetriesPerRequest: 1 });
});
redis.after(async () => {
  const keys = await client.keys(`${prefix}*`);
  if (keys.length > 0) await client.del(...keys);
  client.disconnect();
});

redis('set, get, hash and expiry round-trip under a key prefix of its own', async () => {
  assert.is(await client.set(`${prefix}plain`, 'value-1'), 'OK');
  assert.is(await client.get(`${prefix}plain`), 'value-1');
  await client.hset(`${prefix}hash`, { status: 'Confirmed', version: '3' });
  assert.equal(await client.hgetall(`${prefix}hash`), { status: 'Confirmed', version: '3' });
  await client.set(`${prefix}expiring`, 'x', 'PX', 60_000);
  const ttl = await client.pttl(`${prefix}expiring`);
  assert.ok(ttl > 0 && ttl <= 60_000, String(ttl));
  assert.is(await client.get(`${prefix}missing`), null);
});

redis('cleanup by prefix removes exactly the test keys', async () => {
  const other = `${uniqueName('stack-other')}:kept`;
  await client.set(other, 'stays');
  await client.mset(`${prefix}one`, '1', `${prefix}two`, '2');
  try {
    const keys = await client.keys(`${prefix}*`);
    assert.ok(keys.includes(`${prefix}one`) && keys.includes(`${prefix}two`), keys.join(','));
    await client.del(...keys);
    assert.equal(await client.keys(`${prefix}*`), []);
    assert.is(await client.get(other), 'stays');
  } finally {
    await client.del(other);
  }
});

postgres.run();
redis.run();

import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../deploy/config.ts';
import { waitFor } from '../test/support/wait.ts';
import { createPool, pingPool } from './postgres.ts';
import { unavailableDependencyOf } from './unavailable.ts';

const test = suite('createPool');

/** What a PostgreSQL restart does to each connection, done to this pool's connections only (by application name). */
const terminateConnectionsOf = async (name: string) => {
  const admin = createPool({ connectionString: loadConfig().databaseUrl, name: 'terminator', max: 1 });
  try {
    const { rows } = await admin.query(
      'SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1',
      [name],
    );
    return rows.length;
  } finally {
    await admin.end();
  }
};

test('idle and checked-out connections ended by the server are logged, not fatal; the pool serves again', async () => {
  const name = `pool-test-${randomUUID().slice(0, 8)}`;
  const logged: Record<string, unknown>[] = [];
  const pool = createPool({
    connectionString: loadConfig().databaseUrl,
    name,
    max: 4,
    log: (line) => logged.push(line),
  });
  let held: pg.PoolClient | undefined;
  try {
    // Two idle connections and one held by a caller, like the relay's leader lock.
    await Promise.all([pool.query('SELECT pg_sleep(0.05)'), pool.query('SELECT pg_sleep(0.05)')]);
    held = await pool.connect();
    assert.ok((await terminateConnectionsOf(name)) >= 2);
    await waitFor(() => logged.length > 0, { what: 'the lost connection to be logged' });
    assert.is(logged[0]?.msg, 'postgres connection lost');
    assert.is(logged[0]?.pool, name);
    const failure = await held.query('SELECT 1').catch((error: unknown) => error);
    assert.is(unavailableDependencyOf(failure), 'postgres', String(failure));
    held.release(failure as Error);
    held = undefined;
    assert.ok(await waitFor(() => pingPool(pool), { what: 'the pool to serve again' }));
  } finally {
    held?.release();
    await pool.end();
  }
});

test('a statement longer than the statement timeout is cancelled with an error that reads as unavailable', async () => {
  const pool = createPool({
    connectionString: loadConfig().databaseUrl,
    name: 'pool-test-timeout',
    statementTimeoutMs: 100,
  });
  try {
    const error = await pool.query('SELECT pg_sleep(5)').catch((caught: unknown) => caught);
    assert.is((error as { code?: string }).code, '57014');
    assert.is(unavailableDependencyOf(error), 'postgres');
  } finally {
    await pool.end();
  }
});

test('a server that does not answer fails the caller within the connect timeout', async () => {
  // A listening socket that never speaks: connect hangs where a stalled server would.
  const { createServer } = await import('node:net');
  const silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as { port: number }).port;
  const pool = createPool({
    connectionString: `postgres://postgres@127.0.0.1:${port}/orders`,
    name: 'pool-test-silent',
    connectTimeoutMs: 300,
    log: () => undefined,
  });
  try {
    const started = Date.now();
    const error = await pool.query('SELECT 1').catch((caught: unknown) => caught);
    assert.ok(Date.now() - started < 3_000);
    assert.is(unavailableDependencyOf(error), 'postgres', String(error));
  } finally {
    await pool.end();
    silent.close();
  }
});

test.run();

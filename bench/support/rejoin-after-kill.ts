/**
 * How long after a kill -9 a restarted projector process projects again on every partition:
 * `npx tsx bench/support/rejoin-after-kill.ts [rounds]`. Runs `projections/main.ts` (orders only) on a fresh
 * schema and topic prefix, kills it with SIGKILL, starts it again at once, produces one order per key spread
 * over the partitions, and prints the seconds from the kill until every one of them is in `read_orders`.
 * The floor is the consumer session timeout (the dead member holds its partitions until it expires).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { loadConfig } from '../../deploy/config.ts';
import { createKafka } from '../../deploy/kafka-client.ts';
import { migrate } from '../../deploy/migrate.ts';
import { getOrder } from '../../projections/orders/order-queries.ts';
import {
  connectedProducer,
  produceEvents,
  recordedEvent,
} from '../../projections/projector/testing/recorded-events.ts';
import { uniqueName } from '../../test/support/names.ts';
import { createTestSchema } from '../../test/support/postgres.ts';
import { deleteTopicsWithPrefix } from '../../test/support/topics.ts';
import { waitFor } from '../../test/support/wait.ts';

const rounds = Number(process.argv[2] ?? 3);
const config = loadConfig();
const topicPrefix = `${uniqueName('rejoin')}.`;
const db = await createTestSchema('rejoin');
await migrate(db.pool);
const databaseUrl = `${config.databaseUrl}?options=${encodeURIComponent(`-c search_path=${db.schema}`)}`;
const root = new URL('../..', import.meta.url).pathname;
const startProjectors = (): ChildProcess =>
  spawn(process.execPath, ['--import', 'tsx', 'projections/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      KAFKA_TOPIC_PREFIX: topicPrefix,
      PROJECTORS: 'orders',
      METRICS_PORT_PROJECTORS: '0',
      LOG_LEVEL: 'error',
    },
    stdio: 'ignore',
  });
const placed = (orderId: string) =>
  recordedEvent(`order-${orderId}`, 0, 'OrderPlaced', {
    orderId,
    customerId: 'c',
    lines: [{ sku: 's', quantity: 1, unitPrice: 1 }],
    total: 1,
    currency: 'EUR',
    payment: [{ method: 'card', amount: 1, token: 'tok_ok' }],
    placedAt: new Date().toISOString(),
  });
const topic = `${topicPrefix}order-events`;
const producer = await connectedProducer(createKafka(config.kafkaBrokers, 'rejoin-bench'));
let child = startProjectors();
try {
  await waitFor(
    async () => {
      await produceEvents(producer, topic, [placed(uniqueName('warm'))]).catch(() => undefined);
      const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM read_orders');
      return rows[0]!.n > 0;
    },
    { timeoutMs: 120_000, intervalMs: 1_000, what: 'the first start to project' },
  );
  for (let round = 1; round <= rounds; round++) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const killedAt = Date.now();
    child = startProjectors();
    const ids = Array.from({ length: 8 }, (_, n) => `r${round}-${n}`);
    await produceEvents(producer, topic, ids.map(placed));
    await waitFor(async () => (await Promise.all(ids.map((id) => getOrder(db.pool, id)))).every(Boolean), {
      timeoutMs: 120_000,
      intervalMs: 50,
      what: 'every partition after the restart',
    });
    console.log(
      `round ${round}: projecting on every partition ${((Date.now() - killedAt) / 1000).toFixed(1)} s after kill -9`,
    );
  }
} finally {
  child.kill('SIGTERM');
  await producer.disconnect();
  await deleteTopicsWithPrefix(topicPrefix);
  await db.drop();
}

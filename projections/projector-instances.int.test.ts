import { type ChildProcess, spawn } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../deploy/config.ts';
import { withKafkaAdmin } from '../deploy/kafka-admin.ts';
import { createKafka } from '../deploy/kafka-client.ts';
import { migrate } from '../deploy/migrate.ts';
import { ensureEventTopics } from '../deploy/topics.ts';
import { uniqueName } from '../test/support/names.ts';
import { createTestSchema } from '../test/support/postgres.ts';
import { deleteTopicsWithPrefix } from '../test/support/topics.ts';
import { waitFor } from '../test/support/wait.ts';
import { readPartitionOffsets } from './projector/projection-offsets.ts';
import { connectedProducer, produceEvents } from './projector/testing/recorded-events.ts';
import { orderHistory } from './rebuild/testing/event-mix.ts';

const test = suite('two projector processes, one killed with SIGKILL');

test('the survivor takes the dead one’s partitions; every order ends at its last version, offsets at the ends', async () => {
  const config = loadConfig();
  const topicPrefix = `${uniqueName('instances')}.`;
  const db = await createTestSchema('instances');
  await migrate(db.pool);
  await ensureEventTopics(config.kafkaBrokers, topicPrefix);
  const databaseUrl = `${config.databaseUrl}?options=${encodeURIComponent(`-c search_path=${db.schema}`)}`;
  const start = (): ChildProcess =>
    spawn(process.execPath, ['--import', 'tsx', 'projections/main.ts'], {
      cwd: new URL('..', import.meta.url).pathname,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        KAFKA_TOPIC_PREFIX: topicPrefix,
        PROJECTORS: 'orders',
        METRICS_PORT_PROJECTORS: '0',
      },
      stdio: 'ignore',
    });
  const topic = `${topicPrefix}order-events`;
  const producer = await connectedProducer(createKafka(config.kafkaBrokers, 'instances-test'));
  const histories = Array.from({ length: 300 }, (_, n) => orderHistory(`i${n}`, n));
  const first = histories.slice(0, 150).flat();
  const second = histories.slice(150).flat();
  const doomed = start();
  const survivor = start();
  const doomedExit = new Promise((resolve) => doomed.once('exit', resolve));
  try {
    await produceEvents(producer, topic, first);
    await waitFor(
      async () => (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM read_orders')).rows[0]!.n > 0,
      { what: 'the two instances to project', timeoutMs: 90_000 },
    );
    doomed.kill('SIGKILL');
    await doomedExit;
    await produceEvents(producer, topic, second);
    const expected = new Map(
      histories.map((events) => [events[0]!.streamId.slice('order-'.length), events.length - 1]),
    );
    await waitFor(
      async () => {
        const { rows } = await db.pool.query<{ order_id: string; version: string }>(
          'SELECT order_id, version FROM read_orders',
        );
        return rows.length === expected.size && rows.every((row) => Number(row.version) === expected.get(row.order_id));
      },
      { what: 'every order at its last version', timeoutMs: 90_000 },
    );
    const ends = await withKafkaAdmin(config.kafkaBrokers, (admin) => admin.fetchTopicOffsets(topic));
    const stored = await readPartitionOffsets(db.pool, 'orders');
    for (const end of ends) {
      const position = stored.find((p) => p.partition === end.partition);
      assert.is(String(position?.nextOffset ?? 0n), end.high, `partition ${end.partition} applied to its end`);
    }
  } finally {
    for (const child of [doomed, survivor])
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await producer.disconnect();
    await deleteTopicsWithPrefix(topicPrefix);
    await db.drop();
  }
});

test.run();

import { spawn } from 'node:child_process';
import type { Producer } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../deploy/config.ts';
import { withKafkaAdmin } from '../../deploy/kafka-admin.ts';
import { createKafka } from '../../deploy/kafka-client.ts';
import { migrate } from '../../deploy/migrate.ts';
import { ensureTopics } from '../../deploy/topics.ts';
import { toKafkaMessage } from '../../schemas/kafka-envelope.ts';
import { collectRecords } from '../../test/support/kafka.ts';
import { uniqueName } from '../../test/support/names.ts';
import { createTestSchema, type TestSchema } from '../../test/support/postgres.ts';
import { deleteTopicsWithPrefix } from '../../test/support/topics.ts';
import { waitFor } from '../../test/support/wait.ts';
import { postgresProjectorLag } from './projection-lag.ts';
import { readPartitionOffsets, resetPartitionOffsets } from './projection-offsets.ts';
import { appliedCounts, countingProjection, createCountingTable } from './testing/counting-projection.ts';
import { connectedProducer, produceEvents, recordedEvent } from './testing/recorded-events.ts';
import { type ProjectorHooks, TransactionalProjector } from './transactional-projector.ts';

const { kafkaBrokers } = loadConfig();
const topicBase = 'inventory-events';

interface Context {
  prefix: string;
  topic: string;
  projection: string;
  db: TestSchema;
  producer: Producer;
  running: TransactionalProjector[];
}

const test = suite<Context>('transactional projector');

test.before.each(async (context) => {
  context.prefix = `${uniqueName('projector')}.`;
  context.topic = `${context.prefix}${topicBase}`;
  context.projection = uniqueName('counting');
  context.db = await createTestSchema('projector');
  await migrate(context.db.pool);
  await createCountingTable(context.db.pool);
  await ensureTopics(kafkaBrokers, [{ name: context.topic, partitions: 2 }]);
  context.producer = await connectedProducer(createKafka(kafkaBrokers, 'projector-test'));
  context.running = [];
});

test.after.each(async (context) => {
  for (const projector of context.running) await projector.stop();
  await context.producer.disconnect();
  await context.db.drop();
  await deleteTopicsWithPrefix(context.prefix);
});

const startProjector = async (
  context: Context,
  options: { groupId?: string; hooks?: ProjectorHooks } = {},
): Promise<TransactionalProjector> => {
  const projector = new TransactionalProjector({
    pool: context.db.pool,
    brokers: kafkaBrokers,
    projection: countingProjection(context.projection, [topicBase]),
    topicPrefix: context.prefix,
    groupId: options.groupId ?? uniqueName('group'),
    maxRetryDelayMs: 100,
    hooks: options.hooks,
    log: () => undefined,
  });
  context.running.push(projector);
  await projector.start();
  return projector;
};

const restocks = (sku: string, count: number, from = 0) =>
  Array.from({ length: count }, (_, index) =>
    recordedEvent(`inventory-${sku}`, from + index, 'StockRestocked', {
      sku,
      quantity: 1,
      onHand: from + index + 1,
      available: from + index + 1,
    }),
  );

const waitUntilApplied = (context: Context, eventIds: string[]) =>
  waitFor(
    async () => {
      const counts = await appliedCounts(context.db.pool);
      return eventIds.every((id) => counts.has(id)) && counts;
    },
    { what: `${eventIds.length} events applied` },
  );

const assertEachAppliedOnce = async (context: Context, eventIds: string[]) => {
  const counts = await appliedCounts(context.db.pool);
  assert.is(counts.size, eventIds.length, 'no other rows');
  for (const id of eventIds) assert.is(counts.get(id), 1, `event ${id} applied exactly once`);
};

const groupCaughtUp = (groupId: string, topic: string) =>
  withKafkaAdmin(kafkaBrokers, async (admin) => {
    const [ends, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    // A partition that received nothing has no committed offset (-1) and a high watermark of 0.
    const committedOf = (partition: number) =>
      Math.max(0, Number(committed?.partitions.find((p) => p.partition === partition)?.offset ?? -1));
    return ends.every(({ partition, high }) => committedOf(partition) === Number(high));
  });

test('a transaction that fails after writing its rows rolls back; the retry applies each event once', async (context) => {
  const events = [...restocks('a', 5), ...restocks('b', 5)];
  await produceEvents(context.producer, context.topic, events);
  let failures = 0;
  await startProjector(context, {
    hooks: {
      beforeCommit: (batch) => {
        if (batch.applied > 0 && failures < 2) {
          failures += 1;
          throw new Error('connection lost before COMMIT');
        }
      },
    },
  });
  await waitUntilApplied(
    context,
    events.map((event) => event.id),
  );
  assert.ok(failures >= 1, 'the crash was injected');
  await assertEachAppliedOnce(
    context,
    events.map((event) => event.id),
  );
  const offsets = await readPartitionOffsets(context.db.pool, context.projection);
  assert.is(
    offsets.reduce((sum, p) => sum + Number(p.nextOffset), 0),
    events.length,
    'the stored offsets cover every record once',
  );
});

test('the same batch delivered again after the PostgreSQL commit (Kafka commit lost) is skipped whole', async (context) => {
  const events = [...restocks('a', 6), ...restocks('b', 6)];
  await produceEvents(context.producer, context.topic, events);
  const redelivered: number[] = [];
  let crashed = false;
  await startProjector(context, {
    hooks: {
      afterCommit: (batch) => {
        if (crashed) {
          if (batch.applied === 0) redelivered.push(batch.partition);
          return;
        }
        crashed = true;
        // Thrown after COMMIT: the offsets never reach Kafka and the consumer gets the same batch again.
        throw new Error('crash between the PostgreSQL commit and the Kafka commit');
      },
    },
  });
  const ids = events.map((event) => event.id);
  await waitUntilApplied(context, ids);
  await waitFor(() => redelivered.length > 0, { what: 'the batch delivered again' });
  await assertEachAppliedOnce(context, ids);
});

test('a second instance of the projection (fresh group) starts where the table stands; lag is 0', async (context) => {
  const events = [...restocks('a', 4), ...restocks('b', 3)];
  await produceEvents(context.producer, context.topic, events);
  const first = await startProjector(context);
  await waitUntilApplied(
    context,
    events.map((event) => event.id),
  );
  await first.stop();
  context.running = [];

  const second = await startProjector(context, { groupId: uniqueName('second') });
  const more = restocks('a', 2, 4);
  await produceEvents(context.producer, context.topic, more);
  const ids = [...events, ...more].map((event) => event.id);
  await waitUntilApplied(context, ids);
  await assertEachAppliedOnce(context, ids);

  const lag = await withKafkaAdmin(kafkaBrokers, (admin) =>
    postgresProjectorLag(admin, context.db.pool, {
      projector: 'counting',
      projection: context.projection,
      groupId: second.groupId,
      topics: [context.topic],
    }),
  );
  assert.is(lag.lag, 0);
  assert.is(lag.partitions.length, 2);
  assert.is(
    lag.partitions.reduce((sum, p) => sum + p.endOffset, 0),
    ids.length,
  );
  assert.ok(lag.lastEventAt, 'the time of the last applied event is known');
});

test('poison records go to dlq.<group> with their origin and the projection goes on', async (context) => {
  const good = restocks('a', 3);
  const refused = restocks('refused', 1)[0]!;
  const later = restocks('a', 2, 3);
  const badBytes = { ...toKafkaMessage(restocks('bytes', 1)[0]!), value: Buffer.from([0xff, 0xfe]) };
  const unknownType = toKafkaMessage(restocks('unknown', 1)[0]!);
  unknownType.headers = { ...unknownType.headers, 'event-type': 'NoSuchEvent' };
  await context.producer.send({
    topic: context.topic,
    acks: -1,
    messages: [
      ...good.map(toKafkaMessage),
      badBytes,
      toKafkaMessage(refused),
      unknownType,
      ...later.map(toKafkaMessage),
    ],
  });
  const projector = await startProjector(context);
  const ids = [...good, ...later].map((event) => event.id);
  await waitUntilApplied(context, ids);
  const dead = await collectRecords([projector.deadLetterTopic]);
  try {
    await waitFor(() => dead.records.length >= 3, { what: '3 dead letters' });
    const reasons = dead.records.map((record) => record.headers['dlq-reason'] ?? '').sort();
    assert.ok(
      reasons.some((r) => r.startsWith('SchemaDecodeError')),
      reasons.join(' | '),
    );
    assert.ok(
      reasons.some((r) => r.startsWith('UnknownSchemaError')),
      reasons.join(' | '),
    );
    assert.ok(
      reasons.some((r) => r.includes('refused for good')),
      reasons.join(' | '),
    );
    for (const record of dead.records) {
      assert.is(record.headers['dlq-origin-topic'], context.topic);
      assert.is(record.headers['dlq-group'], projector.groupId);
    }
  } finally {
    await dead.stop();
  }
  await assertEachAppliedOnce(context, ids);
  // The topic's end, not the 8 records sent: a send retried after a leader change (a fresh topic on a busy
  // broker) may have written some of them twice, and the projector must move past those too.
  const topicEnd = await withKafkaAdmin(loadConfig().kafkaBrokers, async (admin) =>
    (await admin.fetchTopicOffsets(context.topic)).reduce((sum, partition) => sum + Number(partition.high), 0),
  );
  assert.ok(topicEnd >= 8, `the 8 records were sent (${topicEnd})`);
  const storedEnd = async () =>
    (await readPartitionOffsets(context.db.pool, context.projection)).reduce((sum, p) => sum + Number(p.nextOffset), 0);
  await waitFor(async () => (await storedEnd()) === topicEnd, { what: 'the offsets past the poison records' });
  assert.is(await storedEnd(), topicEnd, 'the offsets moved past the poison records');
});

test('when the table is reset under a group that committed further, the table wins and is rebuilt', async (context) => {
  const events = restocks('a', 6);
  const ids = events.map((event) => event.id);
  await produceEvents(context.producer, context.topic, events);
  const groupId = uniqueName('group');
  const first = await startProjector(context, { groupId });
  await waitUntilApplied(context, ids);
  await waitFor(() => groupCaughtUp(groupId, context.topic), { what: 'Kafka offsets committed' });
  await first.stop();
  context.running = [];

  await context.db.pool.query('DELETE FROM test_applied');
  await resetPartitionOffsets(context.db.pool, context.projection);
  await startProjector(context, { groupId });
  await waitUntilApplied(context, ids);
  await assertEachAppliedOnce(context, ids);
});

test('killed after the PostgreSQL commit and before the Kafka commit: the restart doubles nothing', async (context) => {
  const events = [...restocks('a', 5), ...restocks('b', 5)];
  await produceEvents(context.producer, context.topic, events);
  const groupId = uniqueName('group');
  const child = spawn(process.execPath, ['--import', 'tsx', 'projections/projector/testing/crash-after-commit.ts'], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: {
      ...process.env,
      TEST_SCHEMA: context.db.schema,
      TEST_TOPIC_PREFIX: context.prefix,
      TEST_GROUP_ID: groupId,
      TEST_PROJECTION: context.projection,
      TEST_TOPIC: topicBase,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exit = await new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  assert.is(exit, 'SIGKILL', 'the projector died at the crash point');
  const appliedBeforeCrash = await appliedCounts(context.db.pool);
  assert.ok(appliedBeforeCrash.size > 0, 'its transaction committed');
  const committed = await withKafkaAdmin(kafkaBrokers, (admin) =>
    admin.fetchOffsets({ groupId, topics: [context.topic] }),
  );
  assert.ok(
    committed[0]!.partitions.every((p) => p.offset === '-1'),
    'nothing was committed to Kafka before the crash',
  );

  await startProjector(context, { groupId });
  const more = restocks('a', 3, 5);
  await produceEvents(context.producer, context.topic, more);
  const ids = [...events, ...more].map((event) => event.id);
  await waitFor(async () => (await appliedCounts(context.db.pool)).size === ids.length, {
    what: 'the restarted projector applied the new events',
    timeoutMs: 30_000,
  });
  await waitFor(() => groupCaughtUp(groupId, context.topic), { what: 'the restarted group read everything' });
  await assertEachAppliedOnce(context, ids);
});

test.run();

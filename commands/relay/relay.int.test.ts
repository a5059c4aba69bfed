import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../deploy/config.ts';
import { createKafka } from '../../deploy/kafka-client.ts';
import { migrate } from '../../deploy/migrate.ts';
import { ensureEventTopics } from '../../deploy/topics.ts';
import { allEventTopics, topicFor } from '../../schemas/event-catalog.ts';
import { fromKafkaMessage } from '../../schemas/kafka-envelope.ts';
import { type CollectedRecord, collectRecords } from '../../test/support/kafka.ts';
import { uniqueName } from '../../test/support/names.ts';
import { createTestSchema, type TestSchema } from '../../test/support/postgres.ts';
import { waitFor } from '../../test/support/wait.ts';
import { PostgresEventStore } from '../event-store/postgres/postgres-event-store.ts';

const root = new URL('../..', import.meta.url).pathname;
const relaySuite = suite('relay');

const startRelay = (db: TestSchema, prefix: string): ChildProcess =>
  spawn(process.execPath, ['--import', 'tsx', 'commands/relay/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PGOPTIONS: `-c search_path=${db.schema}`,
      KAFKA_TOPIC_PREFIX: prefix,
      RELAY_BATCH_SIZE: '40',
      RELAY_NAME: 'relay',
      METRICS_PORT_RELAY: '0',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode ? resolve() : child.once('exit', () => resolve()),
  );

const checkpoint = async (db: TestSchema): Promise<bigint> => {
  const { rows } = await db.pool.query<{ position: string }>(
    "SELECT position FROM relay_checkpoints WHERE name = 'relay'",
  );
  return rows[0] ? BigInt(rows[0].position) : -1n;
};

const restocked = (sku: string, n: number) => ({
  id: randomUUID(),
  type: 'StockRestocked',
  data: { sku, quantity: 1, onHand: n + 1, available: n + 1 },
  metadata: { correlationId: sku, causationId: `cmd-${n}`, traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` },
});

relaySuite('kill -9 mid-stream, restart: every event reaches Kafka, per-key order intact', async () => {
  const db = await createTestSchema('relay');
  await migrate(db.pool);
  const prefix = `${uniqueName('relay')}.`;
  const { kafkaBrokers } = loadConfig();
  await ensureEventTopics(kafkaBrokers, prefix);
  const store = new PostgresEventStore(db.pool);
  const skus = Array.from({ length: 12 }, (_, i) => `sku-${i}`);
  const appended = new Map<string, string[]>(skus.map((sku) => [sku, []]));
  const appendRound = async (round: number) => {
    await Promise.all(
      skus.map(async (sku) => {
        const event = restocked(sku, round);
        await store.appendToStream(`inventory-${sku}`, [event], round === 0 ? 'no_stream' : round - 1);
        appended.get(sku)!.push(event.id);
      }),
    );
  };

  const topic = topicFor('StockRestocked', prefix);
  const collector = await collectRecords([topic]);
  let relay = startRelay(db, prefix);
  try {
    for (let round = 0; round < 20; round++) await appendRound(round);
    // Kill while the relay is part-way: some events published, others not yet.
    await waitFor(async () => (await checkpoint(db)) > 0n, {
      what: 'relay to publish a first batch',
      timeoutMs: 60_000,
    });
    relay.kill('SIGKILL');
    await exited(relay);
    const stoppedAt = await checkpoint(db);
    for (let round = 20; round < 40; round++) await appendRound(round);

    relay = startRelay(db, prefix);
    const total = skus.length * 40;
    await waitFor(() => new Set(collector.records.map((r) => r.headers['event-id'])).size >= total, {
      what: `all ${total} events in Kafka`,
      timeoutMs: 60_000,
    });
    // The checkpoint is saved on a timer (about every second), after Kafka acknowledged.
    await waitFor(async () => stoppedAt < (await checkpoint(db)), {
      what: 'the restarted relay to move the checkpoint on',
    });

    const byStream = new Map<string, CollectedRecord[]>();
    for (const record of collector.records) {
      const list = byStream.get(record.key!) ?? [];
      list.push(record);
      byStream.set(record.key!, list);
    }
    for (const sku of skus) {
      const records = byStream.get(`inventory-${sku}`) ?? [];
      const firstSeen: string[] = [];
      const versionOf = new Map<string, string>();
      for (const record of records) {
        const id = record.headers['event-id']!;
        const version = record.headers['stream-version']!;
        if (versionOf.has(id)) {
          assert.is(versionOf.get(id), version, 'a duplicate carries the same event id and version');
          continue;
        }
        versionOf.set(id, version);
        firstSeen.push(id);
      }
      assert.equal(firstSeen, appended.get(sku), `inventory-${sku}: every event, in stream order`);
      assert.ok(new Set(records.map((r) => r.partition)).size === 1, 'one key, one partition');
    }

    const sample = collector.records[0]!;
    const envelope = fromKafkaMessage({
      value: sample.value,
      headers: sample.headers,
    });
    assert.is(envelope.type, 'StockRestocked');
    assert.ok(envelope.position > 0n);
    assert.is(sample.headers['correlation-id'], envelope.correlationId);
    assert.ok(sample.headers.traceparent?.startsWith('00-'));
    assert.equal(Object.keys(envelope.data as object).sort(), ['available', 'onHand', 'quantity', 'sku']);
  } finally {
    relay.kill('SIGTERM');
    await exited(relay);
    await collector.stop();
    await store.close();
    const admin = createKafka(kafkaBrokers, 'relay-test-cleanup').admin();
    await admin.connect();
    await admin.deleteTopics({ topics: allEventTopics(prefix) }).catch(() => undefined);
    await admin.disconnect();
    await db.drop().catch(() => undefined);
  }
});

relaySuite.run();

import { Partitioners, type Producer } from 'kafkajs';
import type { EventStore, RecordedEvent } from '../../commands/event-store/event-store.ts';
import { PostgresEventStore } from '../../commands/event-store/postgres/postgres-event-store.ts';
import { Relay, relayDeadLetterTopic } from '../../commands/relay/relay.ts';
import { RelayCheckpoint } from '../../commands/relay/relay-checkpoint.ts';
import { RelayLeadership } from '../../commands/relay/relay-leadership.ts';
import { createKafka, idempotentProducerConfig } from '../../deploy/kafka-client.ts';
import { migrate } from '../../deploy/migrate.ts';
import { ensureEventTopics, ensureTopics, eventTopicConfig } from '../../deploy/topics.ts';
import { topicFor } from '../../schemas/event-catalog.ts';
import { toKafkaMessage } from '../../schemas/kafka-envelope.ts';
import { uniqueName } from '../../test/support/names.ts';
import { createTestSchema } from '../../test/support/postgres.ts';
import { deleteTopicsWithPrefix } from '../../test/support/topics.ts';
import { type Arm, compare, measureInterleaved } from '../support/interleave.ts';
import { kafkaRecordBytes } from '../support/kafka-records.ts';
import { ensureKafkaToolsLibs, runProducerPerformance } from '../support/kafka-tools.ts';
import { orderFlow } from '../support/order-flow.ts';
import type { Scenario, ScenarioOptions } from '../support/scenario.ts';
import { seedOurs } from '../support/store-seed.ts';
import { now, perSecond, timed } from '../support/timing.ts';

const units = {
  'records/s': 'records/s',
  'MB/s': 'MB/s',
  'read %': '%',
  'send %': '%',
  'checkpoint %': '%',
  'encode+other %': '%',
};

/** Where the relay's time goes: each call timed around the store, the producer and the checkpoint. */
interface Breakdown {
  readMs: number;
  sendMs: number;
  checkpointMs: number;
}

const timedStore = (store: EventStore, breakdown: Breakdown): EventStore => ({
  readStream: (...args) => store.readStream(...args),
  appendToStream: (...args) => store.appendToStream(...args),
  readAll: async (options) => {
    const { ms, value } = await timed(() => store.readAll(options));
    breakdown.readMs += ms;
    return value;
  },
  ping: () => store.ping(),
  close: () => store.close(),
});

const timedProducer = (producer: Producer, breakdown: Breakdown): Producer => ({
  ...producer,
  sendBatch: async (batch) => {
    const { ms, value } = await timed(() => producer.sendBatch(batch));
    breakdown.sendMs += ms;
    return value;
  },
});

/** Reports the moment the relay checkpointed the last pre-filled position. */
class FinishLine extends RelayCheckpoint {
  reachedAt: number | undefined;
  constructor(
    pool: ConstructorParameters<typeof RelayCheckpoint>[0],
    name: string,
    private readonly last: bigint,
    private readonly breakdown: Breakdown,
    private readonly onReached: () => void,
  ) {
    super(pool, name);
  }
  override async save(position: bigint): Promise<void> {
    const { ms } = await timed(() => super.save(position));
    this.breakdown.checkpointMs += ms;
    if (position >= this.last && this.reachedAt === undefined) {
      this.reachedAt = now();
      this.onReached();
    }
  }
}

const readEverything = async (store: EventStore): Promise<RecordedEvent[]> => {
  const events: RecordedEvent[] = [];
  for (let after = -1n; ; ) {
    const page = await store.readAll({ after, limit: 5_000 });
    const last = page.at(-1);
    if (!last) return events;
    events.push(...page);
    after = last.position;
  }
};

const runScenario = async (options: ScenarioOptions) => {
  const events = options.quick ? 20_000 : 200_000;
  const batchSize = 1_000;
  const flow = orderFlow();
  const db = await createTestSchema('bench_relay');
  const prefix = `${uniqueName('bench_relay')}.`;
  const limitTopic = `${prefix}limit`;
  const store = new PostgresEventStore(db.pool);
  try {
    await migrate(db.pool);
    await ensureEventTopics(options.kafkaBrokers, prefix);
    await ensureTopics(options.kafkaBrokers, [
      { name: relayDeadLetterTopic(prefix) },
      { name: limitTopic, config: { ...eventTopicConfig } },
    ]);
    options.log(`  schema ${db.schema}, topics ${prefix}*: pre-filling ${events} events`);
    const prefill = await timed(() => seedOurs(db.pool, flow, events));
    const stored = await readEverything(store);
    const lastPosition = stored.at(-1)?.position ?? -1n;
    const messages = stored.map(toKafkaMessage);
    const recordBytes = Math.round(messages.reduce((sum, m) => sum + kafkaRecordBytes(m), 0) / messages.length);
    const valueBytes = Math.round(messages.reduce((sum, m) => sum + (m.value?.length ?? 0), 0) / messages.length);
    const topics = [...new Set(stored.map((event) => topicFor(event.type, prefix)))];
    options.log(
      `  ${stored.length} events in ${(prefill.ms / 1000).toFixed(1)} s; average record ${recordBytes} bytes (value ${valueBytes})`,
    );
    const libs = await ensureKafkaToolsLibs(options.log);

    const relayArm: Arm = {
      name: 'relay',
      role: 'ours',
      measure: async (run) => {
        const breakdown: Breakdown = { readMs: 0, sendMs: 0, checkpointMs: 0 };
        const stop = new AbortController();
        const name = `bench-${run}`;
        const finish = new FinishLine(db.pool, name, lastPosition, breakdown, () => stop.abort());
        const producer = createKafka(options.kafkaBrokers, `bench-relay-${run}`).producer({
          ...idempotentProducerConfig,
          createPartitioner: Partitioners.DefaultPartitioner,
        });
        await producer.connect();
        try {
          const relay = new Relay({
            store: timedStore(store, breakdown),
            producer: timedProducer(producer, breakdown),
            checkpoint: finish,
            leadership: new RelayLeadership(db.pool, name),
            topicPrefix: prefix,
            batchSize,
            // The finish line is the checkpoint of the last event: saved often enough not to pad the time.
            checkpointEveryMs: 50,
            log: () => undefined,
          });
          const started = now();
          await relay.run(stop.signal);
          const ms = (finish.reachedAt ?? now()) - started;
          const share = (part: number) => (part / ms) * 100;
          return {
            'records/s': perSecond(stored.length, ms),
            'read %': share(breakdown.readMs),
            'send %': share(breakdown.sendMs),
            'checkpoint %': share(breakdown.checkpointMs),
            'encode+other %': share(ms - breakdown.readMs - breakdown.sendMs - breakdown.checkpointMs),
          };
        } finally {
          await producer.disconnect();
        }
      },
    };
    const limitArm: Arm = {
      name: 'ProducerPerformance',
      role: 'limit',
      measure: async () => {
        const result = await runProducerPerformance({
          libs,
          topic: limitTopic,
          records: stored.length,
          recordSize: recordBytes,
          brokers: options.kafkaBrokers,
        });
        return { 'records/s': result.recordsPerSec, 'MB/s': result.mbPerSec };
      },
    };
    const caseName = `${stored.length} events`;
    const figures = await measureInterleaved({
      case: caseName,
      arms: [relayArm, limitArm],
      runs: options.runs,
      units,
      log: options.log,
    });
    return {
      inputs: {
        events: stored.length,
        prefill:
          'settled orders written straight into the events table (bench/support/store-seed.ts), streams order-/payment-/inventory-<n>',
        eventMix: flow.map((step) => step.type).join(', '),
        topics: topics.length,
        partitionsPerTopic: 4,
        averageRecordBytes: recordBytes,
        averageValueBytes: valueBytes,
        relayBatchSize: batchSize,
        producer: 'kafkajs, idempotent, maxInFlightRequests 1, acks=all (as commands/relay/main.ts)',
        limit: `ProducerPerformance --num-records ${stored.length} --record-size ${recordBytes} --throughput -1 acks=all enable.idempotence=true, one topic of 4 partitions`,
        prefillSeconds: Math.round(prefill.ms / 100) / 10,
      },
      figures,
      comparisons: [
        compare(figures, {
          case: caseName,
          metric: 'records/s',
          ours: 'relay',
          against: 'ProducerPerformance',
          target: 0.5,
        }),
      ],
      notes: [
        `The relay runs from checkpoint -1 until it has checkpointed the last of ${stored.length} pre-filled events; the time runs from relay.run() to that checkpoint (the producer is connected beforehand).`,
        `ProducerPerformance sends unkeyed records of the relay's average size (key + value + headers = ${recordBytes} bytes) as one value, to one topic; the relay sends keyed records with 8-11 headers to ${topics.length} topics. It times itself from its first send; the JVM's start is not counted.`,
        'The relay\'s shares: "read" is readAll, "send" is producer.sendBatch (kafkajs encoding, network and acks=all), "checkpoint" the checkpoint UPDATE, "encode+other" the rest (Avro encoding and headers in toKafkaMessage, leadership).',
      ],
    };
  } finally {
    await store.close();
    await deleteTopicsWithPrefix(prefix).catch((error: unknown) =>
      options.log(`  topic cleanup failed: ${String(error)}`),
    );
    await db.drop();
  }
};

export const relayScenario: Scenario = {
  name: 'relay',
  description:
    'Events per second from the PostgreSQL store into Kafka through our Relay (pre-filled store, from checkpoint -1 until every event is acknowledged) against the Apache producer benchmark (ProducerPerformance) sending records of the same size with the same guarantees to the same broker.',
  run: runScenario,
};

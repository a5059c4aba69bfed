import type { RecordedEvent } from '../../commands/event-store/event-store.ts';
import { createKafka } from '../../deploy/kafka-client.ts';
import { migrate } from '../../deploy/migrate.ts';
import { ensureEventTopics } from '../../deploy/topics.ts';
import { type RebuildPhase, rebuildReadModel } from '../../projections/rebuild/rebuild.ts';
import { rebuildTargetNamed } from '../../projections/rebuild/rebuild-targets.ts';
import { orderHistory } from '../../projections/rebuild/testing/event-mix.ts';
import { uniqueName } from '../../test/support/names.ts';
import { createTestSchema } from '../../test/support/postgres.ts';
import { deleteTopicsWithPrefix } from '../../test/support/topics.ts';
import { type Arm, compare, measureInterleaved } from '../support/interleave.ts';
import { partitionEnds, produceEvents, replayUntilCaughtUp } from '../support/projector-replay.ts';
import type { Scenario, ScenarioOptions } from '../support/scenario.ts';
import { now, perSecond } from '../support/timing.ts';

const units = {
  'events/s': 'events/s',
  'read+apply events/s': 'events/s',
  'index+verify s': 's',
  'swap ms': 'ms',
};

/** Orders placed, confirmed and cancelled (`orderHistory`), `count` events exactly. */
function* orderEvents(count: number): Generator<RecordedEvent> {
  let left = count;
  for (let n = 0; left > 0; n++) {
    for (const event of orderHistory(`bench${n}`, n).slice(0, left)) {
      left -= 1;
      yield event;
    }
  }
}

const runScenario = async (options: ScenarioOptions) => {
  const events = options.quick ? 100_000 : 1_000_000;
  const target = rebuildTargetNamed('orders')!;
  const db = await createTestSchema('bench_rebuild');
  const prefix = `${uniqueName('bench_rebuild')}.`;
  const kafka = createKafka(options.kafkaBrokers, 'bench-rebuild');
  try {
    await migrate(db.pool);
    await ensureEventTopics(options.kafkaBrokers, prefix);
    options.log(`  schema ${db.schema}, topics ${prefix}*: producing ${events.toLocaleString('en-US')} order events`);
    const seedStarted = now();
    await produceEvents(options.kafkaBrokers, prefix, orderEvents(events), 'bench-rebuild-seed');
    const orders = Math.ceil(events / 2);
    const ends = await partitionEnds(
      options.kafkaBrokers,
      target.topics.map((topic) => `${prefix}${topic}`),
    );
    options.log(`  produced in ${((now() - seedStarted) / 1000).toFixed(1)} s`);

    const rebuildArm: Arm = {
      name: 'rebuild',
      role: 'ours',
      measure: async () => {
        const phaseStarts = new Map<RebuildPhase, number>();
        const started = now();
        const report = await rebuildReadModel({
          target,
          source: 'kafka',
          pool: db.pool,
          kafka,
          topicPrefix: prefix,
          onProgress: (progress) => {
            if (!phaseStarts.has(progress.phase)) phaseStarts.set(progress.phase, now());
          },
        });
        const ended = now();
        if (!report.swapped || !report.verification.matches || report.events.read !== events) {
          throw new Error(`rebuild did not complete: ${JSON.stringify(report.events)}`);
        }
        const at = (phase: RebuildPhase) => phaseStarts.get(phase) ?? ended;
        return {
          'events/s': perSecond(events, ended - started),
          'read+apply events/s': perSecond(events, at('indexing') - at('reading')),
          'index+verify s': (at('catching-up') - at('indexing')) / 1000,
          'swap ms': ended - at('swapping'),
        };
      },
    };

    /** The live projector replaying the same events from offset 0 into an empty copy of the table. */
    const projectorArm: Arm = {
      name: 'live projector',
      role: 'reference',
      measure: async (run) => {
        const table = `read_orders_bench_${run}`;
        await db.pool.query(`CREATE TABLE ${table} (LIKE read_orders INCLUDING ALL)`);
        try {
          const { totalMs } = await replayUntilCaughtUp({
            pool: db.pool,
            brokers: options.kafkaBrokers,
            topicPrefix: prefix,
            projections: [
              { projection: target.projection(table, `bench-live-${run}`), groupId: `${prefix}bench.live.${run}` },
            ],
            ends,
          });
          return { 'events/s': perSecond(events, totalMs) };
        } finally {
          await db.pool.query(`DROP TABLE ${table}`);
        }
      },
    };

    const caseName = `${events.toLocaleString('en-US')} events, ${orders.toLocaleString('en-US')} orders`;
    const figures = await measureInterleaved({
      case: caseName,
      arms: [rebuildArm, projectorArm],
      runs: options.runs,
      units,
      log: options.log,
    });
    return {
      inputs: {
        events,
        orders,
        readModel: 'orders (read_orders, 4 secondary indexes)',
        eventMix: 'OrderPlaced, OrderConfirmed, OrderCancelled (orderHistory: 1-3 events per order)',
        source: 'Kafka, one topic of 4 partitions',
        lanes: 4,
      },
      figures,
      comparisons: [
        compare(figures, { case: caseName, metric: 'events/s', ours: 'rebuild', against: 'live projector' }),
      ],
      notes: [
        '"rebuild" is `orders-ops projections rebuild orders` without the CLI: shadow table, read to the end offsets taken at the start, the projector\'s own statements prepared once per connection and executed 500 to a round trip, secondary indexes built after the load, verification against the independent fold (row by row and a SHA-256 checksum), swap. "events/s" is over all of it.',
        '"live projector" is the TransactionalProjector replaying the same topic from offset 0 into an empty copy of the table, one statement per event per round trip, until its stored offsets reach the end.',
        'Both write the same rows; each run of the rebuild replaces the live table it swapped in the run before.',
      ],
    };
  } finally {
    await deleteTopicsWithPrefix(prefix).catch((error: unknown) =>
      options.log(`  topic cleanup failed: ${String(error)}`),
    );
    await db.drop();
  }
};

export const rebuildScenario: Scenario = {
  name: 'rebuild',
  description:
    'Events per second of a read-model rebuild (orders, from Kafka, shadow table + independent verification + atomic swap) over 1,000,000 events, against the live projector replaying the same events.',
  run: runScenario,
};

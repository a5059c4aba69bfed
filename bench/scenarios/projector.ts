import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { RecordedEvent } from '../../commands/event-store/event-store.ts';
import { migrate } from '../../deploy/migrate.ts';
import { ensureEventTopics } from '../../deploy/topics.ts';
import { envelopeOf } from '../../projections/projector/testing/recorded-events.ts';
import { foldEventOf } from '../../projections/rebuild/independent-fold.ts';
import { compareModels } from '../../projections/rebuild/model-checksum.ts';
import { type RebuildTarget, rebuildTargets } from '../../projections/rebuild/rebuild-targets.ts';
import { readTableModel } from '../../projections/rebuild/table-model.ts';
import { mixedHistories } from '../../projections/rebuild/testing/event-mix.ts';
import { topicFor } from '../../schemas/event-catalog.ts';
import { uniqueName } from '../../test/support/names.ts';
import { createTestSchema } from '../../test/support/postgres.ts';
import { deleteTopicsWithPrefix } from '../../test/support/topics.ts';
import { type CopyTarget, chooseCopyMethod, copyCsvInto, exportTableCsv } from '../support/csv-copy.ts';
import { type Arm, compare, measureInterleaved } from '../support/interleave.ts';
import { maxBenchConnections } from '../support/postgres.ts';
import { partitionEnds, produceEvents, replayUntilCaughtUp } from '../support/projector-replay.ts';
import type { Scenario, ScenarioOptions } from '../support/scenario.ts';
import { median } from '../support/stats.ts';
import { perSecond, timed } from '../support/timing.ts';

/** The PostgreSQL read models, each with its projector code, live table and independent fold. */
const readModels = rebuildTargets;

/** As the projector process runs them (projections/main.ts): one pool of 20 for all four. */
const projectorPoolSize = 20;

const units: Record<string, string> = {
  'events/s': 'events/s',
  'steady events/s': 'events/s',
  'rows/s': 'rows/s',
  'client CPU %': '% of one core',
  ...Object.fromEntries(readModels.map((model) => [`${model.name} caught up s`, 's'])),
};

/** `mixedHistories` (every read model's streams, every handler branch), cut to exactly `count` events. */
const eventMix = (count: number): RecordedEvent[] => {
  // About 17 events per order; start a little above and grow until there are enough.
  for (let orders = Math.ceil(count / 15); ; orders *= 2) {
    const events = mixedHistories(orders, 'bench');
    if (events.length >= count) return events.slice(0, count);
  }
};

const modelOf = (event: RecordedEvent): RebuildTarget => {
  const topic = topicFor(event.type);
  const model = readModels.find((candidate) => candidate.topics.includes(topic));
  if (!model) throw new Error(`no read model reads ${event.type}`);
  return model;
};

/** Each read model's rows as its independent fold computes them from the same events (via Avro, as read). */
const expectedModels = (events: readonly RecordedEvent[]) => {
  const folds = new Map(readModels.map((model) => [model.name, model.shape.newFold()]));
  const counts = new Map(readModels.map((model) => [model.name, 0]));
  for (const event of events) {
    const { name } = modelOf(event);
    folds.get(name)?.apply(foldEventOf(envelopeOf(event)));
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return {
    rows: new Map(readModels.map((model) => [model.name, folds.get(model.name)!.model()])),
    events: Object.fromEntries(counts),
  };
};

/** A projection name of its own per run: its offsets start empty, as its tables do. */
const projectionName = (model: RebuildTarget, run: number) => `bench_${model.name}_p${run}`;

const runScenario = async (options: ScenarioOptions) => {
  const events = options.quick ? 20_000 : 200_000;
  const db = await createTestSchema('bench_projector');
  const prefix = `${uniqueName('bench_projector')}.`;
  const csvDir = mkdtempSync(join(tmpdir(), 'bench-projector-'));
  // The server reads the CSV files as its own OS user.
  chmodSync(csvDir, 0o755);
  const projectorPool = new pg.Pool({ ...db.poolConfig, max: Math.min(projectorPoolSize, maxBenchConnections()) });
  const csvOf = (model: RebuildTarget) => join(csvDir, `${model.table}.csv`);

  /** Empty copies of the live tables (columns, keys, checks and secondary indexes): `read_orders_<suffix>`. */
  const createTables = async (suffix: string) => {
    const tables = new Map(readModels.map((model) => [model.name, `${model.table}_${suffix}`]));
    for (const model of readModels) {
      await db.pool.query(`CREATE TABLE ${tables.get(model.name)} (LIKE ${model.table} INCLUDING ALL)`);
    }
    return tables;
  };
  const dropTables = async (tables: Map<string, string>) => {
    for (const table of tables.values()) await db.pool.query(`DROP TABLE IF EXISTS ${table}`);
  };

  try {
    await migrate(db.pool);
    await ensureEventTopics(options.kafkaBrokers, prefix);
    const history = eventMix(events);
    options.log(`  schema ${db.schema}, topics ${prefix}*: producing ${events.toLocaleString('en-US')} events`);
    const seed = await timed(() => produceEvents(options.kafkaBrokers, prefix, history, 'bench-projector-seed'));
    options.log(`  produced in ${(seed.ms / 1000).toFixed(1)} s; folding them independently`);
    const topics = [...new Set(readModels.flatMap((model) => model.topics.map((topic) => `${prefix}${topic}`)))];
    const ends = await partitionEnds(options.kafkaBrokers, topics);
    const expected = expectedModels(history);
    const rows = [...expected.rows.values()].reduce((sum, model) => sum + model.size, 0);
    const copyTarget: CopyTarget = {
      method: await chooseCopyMethod(db.pool, csvDir),
      pool: db.pool,
      databaseUrl: options.databaseUrl,
      schema: db.schema,
    };

    const projectorsArm: Arm = {
      name: 'projectors',
      role: 'ours',
      measure: async (run) => {
        const tables = await createTables(`p${run}`);
        try {
          const cpuBefore = process.cpuUsage();
          const timing = await replayUntilCaughtUp({
            pool: projectorPool,
            brokers: options.kafkaBrokers,
            topicPrefix: prefix,
            projections: readModels.map((model) => ({
              projection: model.projection(tables.get(model.name)!, projectionName(model, run)),
              groupId: `${prefix}bench.projector.${model.name}.${run}`,
            })),
            ends,
            log: (line) => {
              if (line.level === 'warn' || line.level === 'error') options.log(`    ${JSON.stringify(line)}`);
            },
          });
          const cpu = process.cpuUsage(cpuBefore);
          // Not timed: the tables must hold exactly what the independent folds computed.
          for (const model of readModels) {
            const table = tables.get(model.name)!;
            const comparison = compareModels(
              await readTableModel(db.pool, table, model.shape),
              expected.rows.get(model.name)!,
            );
            if (!comparison.matches) {
              throw new Error(
                `${table} differs from the fold in ${comparison.differing} rows: ${JSON.stringify(comparison.examples)}`,
              );
            }
            if (run === 0) await exportTableCsv(db.pool, table, csvOf(model));
          }
          return {
            'events/s': perSecond(events, timing.totalMs),
            'steady events/s': perSecond(events - timing.firstCommitApplied, timing.totalMs - timing.firstCommitMs),
            // The share of one core this process took (stopping the consumers, little CPU, included).
            'client CPU %': (100 * (cpu.user + cpu.system)) / 1000 / timing.totalMs,
            ...Object.fromEntries(
              readModels.map((model) => [
                `${model.name} caught up s`,
                (timing.caughtUpMs[projectionName(model, run)] ?? Number.NaN) / 1000,
              ]),
            ),
          };
        } finally {
          await dropTables(tables);
        }
      },
    };

    /** The same final rows, from the CSV files of the projectors' first run, one COPY per table side by side. */
    const copyArm: Arm = {
      name: 'COPY',
      role: 'limit',
      measure: async (run) => {
        const tables = await createTables(`c${run}`);
        try {
          const { ms, value: loaded } = await timed(() =>
            Promise.all(readModels.map((model) => copyCsvInto(copyTarget, tables.get(model.name)!, csvOf(model)))),
          );
          const total = loaded.reduce((sum, count) => sum + count, 0);
          if (total !== rows) throw new Error(`COPY loaded ${total} rows, expected ${rows}`);
          return { 'events/s': perSecond(events, ms), 'rows/s': perSecond(rows, ms) };
        } finally {
          await dropTables(tables);
        }
      },
    };

    const caseName = `${events.toLocaleString('en-US')} events, ${rows.toLocaleString('en-US')} rows`;
    const figures = await measureInterleaved({
      case: caseName,
      arms: [projectorsArm, copyArm],
      runs: options.runs,
      units,
      log: options.log,
    });
    const medianOf = (arm: string, metric: string) =>
      median(figures.find((figure) => figure.arm === arm && figure.metric === metric)?.samples ?? []);
    const comparison = compare(figures, { case: caseName, metric: 'events/s', ours: 'projectors', against: 'COPY' });
    return {
      inputs: {
        events,
        eventsPerReadModel: expected.events,
        rowsPerReadModel: Object.fromEntries([...expected.rows].map(([name, model]) => [name, model.size])),
        eventMix:
          'mixedHistories (projections/rebuild/testing/event-mix.ts): per order its order, payment and saga streams, every handler branch (confirmed, cancelled, declined, voided, refunded, compensated, stuck and resumed), one SKU stream of 13 stock events per 10 orders; cut to exactly `events`',
        readModels: readModels.map((model) => model.table),
        topics: `${topics.length} topics of 4 partitions`,
        projectorPool: Math.min(projectorPoolSize, maxBenchConnections()),
        copyMethod: copyTarget.method,
        seedSeconds: seed.ms / 1000,
      },
      figures,
      comparisons: [comparison],
      headline: {
        projectorEventsPerSecond: Math.round(medianOf('projectors', 'events/s')),
        projectorSteadyEventsPerSecond: Math.round(medianOf('projectors', 'steady events/s')),
        copyRowsPerSecond: Math.round(medianOf('COPY', 'rows/s')),
        copyEventsPerSecond: Math.round(medianOf('COPY', 'events/s')),
        projectorsOverCopy: Number(comparison.ratio.toPrecision(3)),
      },
      notes: [
        '"projectors": the four TransactionalProjectors (orders, inventory, payments, sagas) of the projector process, each its own consumer group, side by side on one pool, from offset 0 until each committed the end offsets taken before the first run; every run into fresh empty copies of the live tables (all indexes) under new projection names. "events/s" runs from start() (dead-letter topic check, connect, group join) to the last commit; "steady events/s" from the first committed batch.',
        "After each run, untimed, every table is compared row by row with the independent fold of the same events (projections/rebuild/); the first run's tables are written out as CSV for the COPY arm.",
        `"COPY": the same final rows loaded into fresh empty copies of the same tables (same indexes), one COPY ... FROM file (FORMAT csv) per table, the four side by side (${copyTarget.method === 'server' ? 'read by the server itself' : "psql's \\copy, the server could not read our files"}). "events/s" is all the events that produced those rows over the COPY time.`,
        `One event changes one row, but a row takes ${(events / rows).toFixed(1)} events on average: the projectors write every intermediate version of a row, in one transaction per Kafka batch per partition, where COPY writes each final row once.`,
      ],
    };
  } finally {
    await deleteTopicsWithPrefix(prefix).catch((error: unknown) =>
      options.log(`  topic cleanup failed: ${String(error)}`),
    );
    rmSync(csvDir, { recursive: true, force: true });
    await projectorPool.end();
    await db.drop();
  }
};

export const projectorScenario: Scenario = {
  name: 'projector',
  description:
    'Events per second of the PostgreSQL read-model projectors (orders, inventory, payments, sagas) replaying 200,000 events from Kafka into empty tables, against a plain COPY of the same final rows into the same tables.',
  run: runScenario,
};

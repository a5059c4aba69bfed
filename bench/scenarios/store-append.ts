import { randomUUID } from 'node:crypto';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { migrate } from '../../deploy/migrate.ts';
import { type Arm, compare, measureInterleaved, type Sample } from '../support/interleave.ts';
import { type FlowStep, flowEvent, orderFlow } from '../support/order-flow.ts';
import { type BenchDatabase, createBenchDatabase, maxBenchConnections } from '../support/postgres.ts';
import type { Comparison, Figure, Scenario, ScenarioOptions } from '../support/scenario.ts';
import { latencySummary } from '../support/stats.ts';
import { seedBare, seedEmmett, seedOurs } from '../support/store-seed.ts';
import { bareTableSql, bareWriter, emmettWriter, type OpenWriter, oursWriter } from '../support/store-writers.ts';
import { perSecond, runClosedLoop } from '../support/timing.ts';

const writerCounts = [1, 16, 64];
/** Rows per statement of the limit: many rows, one statement, one commit. */
const limitRowsPerInsert = 100;
const limitArm = `bare INSERT x${limitRowsPerInsert}`;
const commitArm = 'bare INSERT x1';
const ungroupedArm = 'ours (no group commit)';
const units = { 'events/s': 'events/s', 'appends/s': 'appends/s', 'p50 ms': 'ms', 'p99 ms': 'ms', 'client CPU %': '%' };

interface Setting {
  db: BenchDatabase;
  writers: number;
  connections: number;
  warmupMs: number;
  durationMs: number;
  /** Empty the arm's tables before each measurement (the empty-store cases). */
  truncate: boolean;
}

interface ArmTables {
  schema: string;
  tables: string;
  open: OpenWriter;
}

/** Opens a pool of its own (so arms never share connections), runs the closed loop, closes the pool. */
const writerArm = (name: string, role: Arm['role'], setting: Setting, { schema, tables, open }: ArmTables): Arm => ({
  name,
  role,
  measure: async () => {
    const pool = setting.db.pool({ schema, max: setting.connections });
    try {
      if (setting.truncate) await pool.query(`TRUNCATE ${tables}`);
      const writer = open(pool);
      const streams = new Array<string>(setting.writers).fill('');
      const result = await runClosedLoop({
        workers: setting.writers,
        warmupMs: setting.warmupMs,
        durationMs: setting.durationMs,
        operation: (worker, sequence) => writer(worker, sequence, streams),
      });
      await writer.close?.();
      const latency = latencySummary(result.latenciesMs);
      const sample: Sample = { 'events/s': perSecond(result.items, result.elapsedMs) };
      if (role !== 'limit') sample['appends/s'] = perSecond(result.operations, result.elapsedMs);
      return {
        ...sample,
        'p50 ms': latency.p50,
        'p99 ms': latency.p99,
        'client CPU %': (result.clientCpuMs / result.elapsedMs) * 100,
      };
    } finally {
      await pool.end();
    }
  },
});

const prepareDatabase = async (db: BenchDatabase) => {
  await db.createSchema('ours');
  await db.createSchema('bare');
  const ours = db.pool({ schema: 'ours', max: 1 });
  await migrate(ours).finally(() => ours.end());
  const bare = db.pool({ schema: 'bare', max: 1 });
  await bare.query(bareTableSql).finally(() => bare.end());
  const emmettPool = db.pool({ max: 1 });
  const emmett = getPostgreSQLEventStore(db.url, { connectionOptions: { pool: emmettPool } });
  await emmett.schema.migrate();
  await emmett.close();
  await emmettPool.end();
};

const seedAll = async (db: BenchDatabase, flow: readonly FlowStep[], events: number) => {
  for (const [seeder, schema] of [
    [seedOurs, 'ours'],
    [seedEmmett, 'public'],
    [seedBare, 'bare'],
  ] as const) {
    const pool = db.pool({ schema, max: 1 });
    try {
      await seeder(pool, flow, events);
      await pool.query('VACUUM ANALYZE');
    } finally {
      await pool.end();
    }
  }
};

const averageJsonBytes = (flow: readonly FlowStep[]): number => {
  const sizes = flow.map((step) => {
    const event = flowEvent(step, randomUUID());
    return Buffer.byteLength(JSON.stringify(event.data)) + Buffer.byteLength(JSON.stringify(event.metadata));
  });
  return Math.round(sizes.reduce((sum, size) => sum + size, 0) / sizes.length);
};

const runScenario = async (options: ScenarioOptions) => {
  const warmupMs = options.quick ? 300 : 1_000;
  const durationMs = options.quick ? 1_500 : 5_000;
  const seedEvents = options.quick ? 20_000 : 100_000;
  const flow = orderFlow();
  const db = await createBenchDatabase(options.databaseUrl, 'bench_store');
  options.log(`  database ${db.name}: ours in schema "ours", Emmett in "public", the bare table in "bare"`);
  try {
    await prepareDatabase(db);
    const figures: Figure[] = [];
    const comparisons: Comparison[] = [];
    for (const storeState of ['empty', 'seeded'] as const) {
      if (storeState === 'seeded') {
        options.log(`  seeding every store with ${seedEvents.toLocaleString('en-US')} events`);
        await seedAll(db, flow, seedEvents);
      }
      for (const writers of writerCounts) {
        const setting: Setting = {
          db,
          writers,
          connections: Math.min(writers, maxBenchConnections()),
          warmupMs,
          durationMs,
          truncate: storeState === 'empty',
        };
        const storeLabel = storeState === 'empty' ? 'empty store' : `${seedEvents / 1000}k-event store`;
        const caseName = `${writers} writer${writers === 1 ? '' : 's'}, ${storeLabel}`;
        const arms = [
          writerArm('ours', 'ours', setting, { schema: 'ours', tables: 'events, streams', open: oursWriter(flow) }),
          writerArm(ungroupedArm, 'reference', setting, {
            schema: 'ours',
            tables: 'events, streams',
            open: oursWriter(flow, { groupCommit: false }),
          }),
          writerArm('emmett', 'peer', setting, {
            schema: 'public',
            tables: 'emt_messages, emt_streams',
            open: emmettWriter(flow, db.url),
          }),
          writerArm(limitArm, 'limit', setting, {
            schema: 'bare',
            tables: 'bare_events',
            open: bareWriter(flow, limitRowsPerInsert),
          }),
          writerArm(commitArm, 'reference', setting, {
            schema: 'bare',
            tables: 'bare_events',
            open: bareWriter(flow, 1),
          }),
        ];
        const caseFigures = await measureInterleaved({
          case: caseName,
          arms,
          runs: options.runs,
          units,
          log: options.log,
        });
        figures.push(...caseFigures);
        const against = (name: string, target?: number) =>
          compare(caseFigures, { case: caseName, metric: 'events/s', ours: 'ours', against: name, target });
        comparisons.push(against('emmett', 1.5), against(ungroupedArm), against(limitArm), against(commitArm));
      }
    }
    return {
      inputs: {
        writers: writerCounts,
        eventsPerAppend: 1,
        pgConnectionsPerArm: writerCounts.map((writers) => Math.min(writers, maxBenchConnections())),
        warmupMs,
        durationMs,
        runs: options.runs,
        storeStates: `empty (tables truncated before every measurement), then seeded with ${seedEvents} events (not truncated)`,
        eventMix: `${flow.map((step) => step.type).join(', ')} (one order's events, one stream per order)`,
        averageEventJsonBytes: averageJsonBytes(flow),
        limitRowsPerInsert,
      },
      figures,
      comparisons,
      notes: [
        `Each writer appends one event per call and waits for the answer; 64 writers share ${maxBenchConnections()} connections (BENCH_PG_MAX_CONNECTIONS), as a command API's pool would.`,
        `The limit writes the same rows ${limitRowsPerInsert} to an INSERT into a table without indexes: one commit per ${limitRowsPerInsert} events, where a store pays one per append (or, with group commit, one per batch of concurrent appends).`,
        `"${commitArm}" is one row per autocommit INSERT into the same bare table: the cost of a commit and a round trip alone.`,
        `"${ungroupedArm}" is our store with group commit switched off (every append its own transaction), in the same schema as "ours".`,
        '"client CPU %" is the CPU the benchmark process (Node, pg driver, JSON) used, in % of one core; the server shares the same 2 cores.',
      ],
    };
  } finally {
    await db.drop();
  }
};

export const storeAppendScenario: Scenario = {
  name: 'store-append',
  description:
    'Appends per second of our PostgresEventStore (one event per append, 1/16/64 writers on their own streams, empty and seeded store) against Emmett’s PostgreSQL event store on the same server, and against plain multi-row INSERTs of the same rows into a bare table.',
  run: runScenario,
};

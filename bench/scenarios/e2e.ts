import os from 'node:os';
import pg from 'pg';
import { uniqueName } from '../../test/support/names.ts';
import { type RunningPipeline, startPipeline } from '../../test/support/pipeline.ts';
import { costTables } from '../support/cost-table.ts';
import { type LoadGenerator, startLoadGenerator } from '../support/load-generator.ts';
import { epochMs } from '../support/open-load.ts';
import { nextRate, type RateTrial, sustainedRate } from '../support/rate-search.ts';
import type { Figure, Scenario, ScenarioOptions, ScenarioResult } from '../support/scenario.ts';
import { SettleTracker } from '../support/settle-tracker.ts';
import { type SettleWatcher, startSettleWatcher } from '../support/settle-watcher.ts';
import { median, percentile, slope } from '../support/stats.ts';
import { countersPerOrder, snapshotCounters } from '../support/system-counters.ts';
import { SystemCpuSampler } from '../support/system-cpu.ts';
import { ensureBuilt } from './runtime.ts';

/** The two shapes of load: orders spread over many SKUs, and a flash sale on a few. */
const cases = {
  spread: { skus: 200, description: '200 SKUs' },
  hot: { skus: 10, description: 'hot SKUs: 10 SKUs (1,000 orders/s = 100 per SKU per second)' },
} as const;
type CaseName = keyof typeof cases;

const unitPrice = 1_000;
const defaultLadder = [50, 100, 200, 400, 700, 1_000, 1_500, 2_000];

/** `BENCH_E2E_RATES=25,50` measures exactly those offered rates (orders/s) instead of searching. */
const ratesFrom = (text: string | undefined): number[] | undefined => {
  if (!text) return undefined;
  const rates = text.split(',').map((part) => Number(part.trim()));
  if (rates.some((rate) => !Number.isInteger(rate) || rate < 1)) {
    throw new Error(`BENCH_E2E_RATES must list whole numbers of orders/s, got "${text}"`);
  }
  return rates.sort((a, b) => a - b);
};

const casesFrom = (text: string | undefined): CaseName[] => {
  const names = (text || 'spread,hot').split(',').map((part) => part.trim());
  const unknown = names.filter((name) => !(name in cases));
  if (unknown.length > 0) throw new Error(`BENCH_E2E_CASES knows spread and hot, got "${unknown.join(',')}"`);
  return names as CaseName[];
};

const secondsFrom = (name: string, fallback: number): number => {
  const text = process.env[name];
  if (!text) return fallback * 1000;
  const seconds = Number(text);
  if (!(seconds > 0)) throw new Error(`${name} must be a positive number of seconds, got "${text}"`);
  return seconds * 1000;
};

/** What one offered rate did in one run of one case. */
export interface StepOutcome {
  case: CaseName;
  run: number;
  rate: number;
  offered: number;
  accepted: number;
  confirmed: number;
  cancelled: number;
  rejected: number;
  successRate: number;
  /** Scheduled send -> confirmed visible in the orders read model, ms. */
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Scheduled send -> the saga's final event recorded, ms. */
  sagaP50: number;
  sagaP99: number;
  /** Least-squares slope of the unsettled count (due but not settled) over the window's second half. */
  backlogSlope: number;
  backlogGrows: boolean;
  sustained: boolean;
  achievedRate: number;
  generatorSendLagP99Ms: number;
  /** Orders still unsettled when the drain time ran out. */
  unsettledAfterDrain: number;
  /** From the window's start until the last order settled (or the drain ran out). */
  measuredMs: number;
  cpuMs: Record<string, number>;
  cpuMsPerConfirmedOrder: Record<string, number>;
  /** CPU per order less what each process spends idle over the same time (polling, timers): what an order adds. */
  netCpuMsPerConfirmedOrder: Record<string, number>;
  workPerConfirmedOrder: ReturnType<typeof countersPerOrder>;
  loadAverage: { start: number[]; end: number[] };
}

interface System {
  pipeline: RunningPipeline;
  generator: LoadGenerator;
  watcher: SettleWatcher;
  tracker: SettleTracker;
  sampler: SystemCpuSampler;
  observerPool: pg.Pool;
  systemApplicationName: string;
  skus: string[];
  stop(): Promise<void>;
}

const post = async (url: string, body: unknown, authorization: Record<string, string>): Promise<void> => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authorization },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${await response.text()}`);
};

const loadAverage = () => os.loadavg().map((load) => Math.round(load * 100) / 100);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number) => (Number.isFinite(value) ? Math.round(value) : value);

/** A fresh system (schema, topics, Redis prefix, five service processes) with its SKUs, observed. */
const startSystem = async (
  caseName: CaseName,
  databaseUrl: string,
  brokers: string[],
  compiled: boolean,
): Promise<System> => {
  const systemApplicationName = uniqueName('bench-system');
  const pipeline = await startPipeline({ CONSISTENCY_WAIT_MS: '2000', PGAPPNAME: systemApplicationName }, { compiled });
  const stops: (() => Promise<void>)[] = [() => pipeline.stop()];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
  };
  try {
    const skus = Array.from({ length: cases[caseName].skus }, () => uniqueName('bench-sku'));
    for (const sku of skus) {
      await post(
        `${pipeline.commandApiUrl}/inventory`,
        { sku, name: sku, unitPrice, initialStock: 100_000_000 },
        pipeline.operator,
      );
    }
    const observerApplicationName = uniqueName('bench-observer');
    const observerPool = new pg.Pool({
      connectionString: databaseUrl,
      application_name: observerApplicationName,
      max: 2,
    });
    stops.push(() => observerPool.end());
    const tracker = new SettleTracker();
    const watcher = await startSettleWatcher({
      brokers,
      databaseUrl,
      schema: pipeline.schema,
      topicPrefix: pipeline.topicPrefix,
      applicationName: observerApplicationName,
      tracker,
    });
    stops.push(() => watcher.stop());
    const generator = startLoadGenerator();
    stops.push(() => generator.stop());
    const pids = pipeline.pids();
    const sampler = new SystemCpuSampler({
      processes: {
        'command-api': pids.commandApi ?? 0,
        relay: pids.relay ?? 0,
        saga: pids.saga ?? 0,
        projectors: pids.projectors ?? 0,
        'read-api': pids.readApi ?? 0,
        'load generator': generator.pid,
      },
      systemApplicationName,
      observerApplicationName,
      pool: observerPool,
    });
    return { pipeline, generator, watcher, tracker, sampler, observerPool, systemApplicationName, skus, stop };
  } catch (error) {
    await stop();
    throw error;
  }
};

interface StepTiming {
  windowMs: number;
  drainMs: number;
}

/** Offers `rate` for the window, then waits for the backlog to settle; measures everything in between. */
const runStep = async (
  system: System,
  context: { case: CaseName; run: number; rate: number; label: string },
  { windowMs, drainMs }: StepTiming,
  brokers: string[],
  idleCpuMsPerSecond: Record<string, number> = {},
): Promise<StepOutcome> => {
  const { tracker, pipeline } = system;
  const step = context.label;
  const settlement = tracker.stepOf(step);
  let rejected = 0;
  const counterSources = {
    brokers,
    topicPrefix: pipeline.topicPrefix,
    schema: pipeline.schema,
    ignoreGroup: (group: string) => group.includes('bench-settle'),
    pool: system.observerPool,
  };
  const countersBefore = await snapshotCounters(counterSources);
  const loadAtStart = loadAverage();
  await system.sampler.open();
  const started = epochMs();
  const backlog: { x: number; y: number }[] = [];
  const ticker = setInterval(() => {
    const elapsed = epochMs() - started;
    const due = Math.min(Math.floor((elapsed * context.rate) / 1000), Math.round((context.rate * windowMs) / 1000));
    backlog.push({ x: elapsed / 1000, y: due - settlement.confirmed - settlement.cancelled - rejected });
  }, 1_000);
  const load = await system.generator
    .run(
      {
        step,
        baseUrl: pipeline.commandApiUrl,
        rate: context.rate,
        durationMs: windowMs,
        skus: system.skus,
        unitPrice,
        authSecret: pipeline.tokens.secretText,
      },
      (rows) => {
        for (const [scheduledAt, , , status, orderId] of rows) {
          if (status === 202 && orderId) tracker.accepted(orderId, step, scheduledAt);
          else rejected++;
        }
      },
    )
    .finally(() => clearInterval(ticker));
  const drainUntil = epochMs() + drainMs;
  while (tracker.unsettled > 0 && epochMs() < drainUntil) await sleep(20);
  const measuredMs = epochMs() - started;
  const cpuMs = await system.sampler.close();
  const countersAfter = await snapshotCounters(counterSources);
  const unsettledAfterDrain = tracker.unsettled;

  const secondHalf = backlog.filter((point) => point.x >= windowMs / 2000);
  const backlogSlope = slope(secondHalf);
  const backlogGrows = backlogSlope > Math.max(1, context.rate * 0.02);
  const successRate = load.scheduled === 0 ? 0 : settlement.confirmed / load.scheduled;
  const confirmed = settlement.confirmed;
  const perOrder = (ms: number) => (confirmed > 0 ? Math.round((ms / confirmed) * 100) / 100 : Number.NaN);
  const totalCpu = Object.values(cpuMs).reduce((sum, ms) => sum + ms, 0);
  const netCpuMs = Object.fromEntries(
    Object.entries(cpuMs).map(([name, ms]) => [
      name,
      Math.max(0, ms - ((idleCpuMsPerSecond[name] ?? 0) * measuredMs) / 1000),
    ]),
  );
  const netTotal = Object.values(netCpuMs).reduce((sum, ms) => sum + ms, 0);
  return {
    case: context.case,
    run: context.run,
    rate: context.rate,
    offered: load.scheduled,
    accepted: settlement.accepted,
    confirmed,
    cancelled: settlement.cancelled,
    rejected: rejected + load.dropped + load.transportErrors,
    successRate,
    p50: round(percentile(settlement.confirmedLatencies, 0.5)),
    p95: round(percentile(settlement.confirmedLatencies, 0.95)),
    p99: round(percentile(settlement.confirmedLatencies, 0.99)),
    max: round(percentile(settlement.confirmedLatencies, 1)),
    sagaP50: round(percentile(settlement.sagaLatencies, 0.5)),
    sagaP99: round(percentile(settlement.sagaLatencies, 0.99)),
    backlogSlope: Math.round(backlogSlope * 10) / 10,
    backlogGrows,
    sustained: successRate >= 0.99 && !backlogGrows,
    achievedRate: Math.round(load.achievedRate * 10) / 10,
    generatorSendLagP99Ms: round(load.sendLagP99Ms),
    unsettledAfterDrain,
    measuredMs: round(measuredMs),
    cpuMs: { ...cpuMs, total: totalCpu },
    cpuMsPerConfirmedOrder: Object.fromEntries(
      Object.entries({ ...cpuMs, total: totalCpu }).map(([name, ms]) => [name, perOrder(ms)]),
    ),
    netCpuMsPerConfirmedOrder: Object.fromEntries(
      Object.entries({ ...netCpuMs, total: netTotal }).map(([name, ms]) => [name, perOrder(ms)]),
    ),
    workPerConfirmedOrder: countersPerOrder(countersBefore, countersAfter, confirmed),
    loadAverage: { start: loadAtStart, end: loadAverage() },
  };
};

const describeStep = (outcome: StepOutcome): string =>
  `  ${outcome.case} ${outcome.rate}/s: ${outcome.confirmed}/${outcome.offered} confirmed` +
  `${outcome.unsettledAfterDrain > 0 ? ` (${outcome.unsettledAfterDrain} unsettled after the drain)` : ''}, ` +
  `p50 ${outcome.p50} ms, p99 ${outcome.p99} ms, saga p99 ${outcome.sagaP99} ms, ` +
  `backlog ${outcome.backlogSlope} orders/s -> ${outcome.sustained ? 'held' : 'NOT sustained'}; ` +
  `CPU ${outcome.cpuMsPerConfirmedOrder.total} ms/order; load ${outcome.loadAverage.start[0]} -> ${outcome.loadAverage.end[0]}`;

/** CPU per second of every process while no order is offered: the floor that polling and timers cost. */
const measureIdle = async (system: System, ms: number): Promise<Record<string, number>> => {
  await system.sampler.open();
  await sleep(ms);
  const cpu = await system.sampler.close();
  return Object.fromEntries(Object.entries(cpu).map(([name, used]) => [name, Math.round((used * 10_000) / ms) / 10]));
};

/** One run of one case: warm up, then the given rates or a search for the highest that holds. */
const runCase = async (
  caseName: CaseName,
  run: number,
  options: {
    fixedRates?: number[];
    ladder: number[];
    warmupMs: number;
    idleMs: number;
    timing: StepTiming;
    maxTrials: number;
    compiled: boolean;
  },
  { databaseUrl, kafkaBrokers, log }: ScenarioOptions,
): Promise<StepOutcome[]> => {
  const outcomes: StepOutcome[] = [];
  const trials: RateTrial[] = [];
  let system: System | undefined;
  let idle: Record<string, number> = {};
  const warmUp = async (target: System) => {
    const rate = Math.min(options.fixedRates?.[0] ?? options.ladder[0] ?? 50, 50);
    log(`  ${caseName}: warming up at ${rate}/s for ${options.warmupMs / 1000} s`);
    await runStep(
      target,
      { case: caseName, run, rate, label: `warmup-${uniqueName('w')}` },
      {
        windowMs: options.warmupMs,
        drainMs: options.timing.drainMs,
      },
      kafkaBrokers,
    );
  };
  try {
    const fixed = [...(options.fixedRates ?? [])];
    for (;;) {
      const rate = options.fixedRates
        ? fixed.shift()
        : nextRate(trials, { ladder: options.ladder, maxTrials: options.maxTrials });
      if (rate === undefined) break;
      if (!system) {
        log(`  ${caseName}: starting a fresh system`);
        system = await startSystem(caseName, databaseUrl, kafkaBrokers, options.compiled);
        await warmUp(system);
        idle = await measureIdle(system, options.idleMs);
        log(`  ${caseName}: idle CPU ms/s ${JSON.stringify(idle)}`);
      }
      const outcome = await runStep(
        system,
        { case: caseName, run, rate, label: `${caseName}-${run}-${rate}` },
        options.timing,
        kafkaBrokers,
        idle,
      );
      log(describeStep(outcome));
      if (outcome.confirmed === 0) {
        log(`  nothing confirmed; final events seen so far: ${JSON.stringify(system.tracker.seen)}`);
        log(`  the services' last output:\n${system.pipeline.output()}`);
      }
      outcomes.push(outcome);
      trials.push({ rate, sustained: outcome.sustained });
      if (outcome.unsettledAfterDrain > 0) {
        // A backlog left behind would slow the next rate: it gets a fresh system.
        await system.stop();
        system = undefined;
      }
    }
  } finally {
    await system?.stop();
  }
  return outcomes;
};

const figure = (caseName: CaseName, rate: number, metric: string, unit: string, samples: number[]): Figure => ({
  case: `${caseName}, ${rate} orders/s offered`,
  arm: 'e2e',
  role: 'ours',
  metric,
  unit,
  samples,
  median: median(samples),
});

/** Per case: the median over runs of the highest rate that held, and the median p99 at those rates. */
const caseHeadline = (steps: StepOutcome[], runs: number) => {
  const perRun = Array.from({ length: runs }, (_, index) => {
    const mine = steps.filter((step) => step.run === index + 1);
    const rate = sustainedRate(mine.map((step) => ({ rate: step.rate, sustained: step.sustained })));
    const at = mine.find((step) => step.rate === rate && step.sustained);
    return { rate, p99: at?.p99 ?? Number.NaN, sagaP99: at?.sagaP99 ?? Number.NaN };
  }).filter((entry) => entry.rate > 0);
  return {
    sustained: perRun.length === 0 ? 0 : median(perRun.map((entry) => entry.rate)),
    p99: perRun.length === 0 ? null : round(median(perRun.map((entry) => entry.p99))),
    sagaP99: perRun.length === 0 ? null : round(median(perRun.map((entry) => entry.sagaP99))),
  };
};

export const e2eScenario: Scenario = {
  name: 'e2e',
  minimumRuns: 1,
  description:
    "Open-model load on POST /orders from a separate process; latency from each order's scheduled send to the order shown confirmed in the orders read model (and to the saga's end); the highest rate that holds, searched per case (200 SKUs, and 10 hot SKUs); CPU per process per order.",
  async run(options: ScenarioOptions): Promise<ScenarioResult> {
    const { quick, runs, log } = options;
    const fixedRates = ratesFrom(process.env.BENCH_E2E_RATES);
    const caseNames = casesFrom(process.env.BENCH_E2E_CASES);
    const ladder = quick ? [20, 50] : defaultLadder;
    const timing = {
      windowMs: secondsFrom('BENCH_E2E_WINDOW_S', quick ? 5 : 20),
      drainMs: secondsFrom('BENCH_E2E_DRAIN_S', quick ? 10 : 20),
    };
    const warmupMs = secondsFrom('BENCH_E2E_WARMUP_S', quick ? 3 : 10);
    const maxTrials = quick ? 2 : 8;
    const idleMs = quick ? 2_000 : 5_000;
    // What `npm start` runs: the compiled build, unless BENCH_E2E_RUNTIME=tsx asks for the sources.
    const runtime = process.env.BENCH_E2E_RUNTIME || 'compiled';
    if (runtime !== 'compiled' && runtime !== 'tsx') {
      throw new Error(`BENCH_E2E_RUNTIME is compiled or tsx, got "${runtime}"`);
    }
    const compiled = runtime === 'compiled';
    if (compiled) ensureBuilt();
    const steps: StepOutcome[] = [];
    for (let run = 1; run <= runs; run++) {
      for (const caseName of caseNames) {
        log(`run ${run}/${runs}, ${cases[caseName].description}`);
        steps.push(
          ...(await runCase(
            caseName,
            run,
            { fixedRates, ladder, warmupMs, idleMs, timing, maxTrials, compiled },
            options,
          )),
        );
      }
    }

    const figures: Figure[] = [];
    for (const caseName of caseNames) {
      const rates = [...new Set(steps.filter((step) => step.case === caseName).map((step) => step.rate))].sort(
        (a, b) => a - b,
      );
      for (const rate of rates) {
        const at = steps.filter((step) => step.case === caseName && step.rate === rate);
        const pick = (
          key: 'successRate' | 'p50' | 'p95' | 'p99' | 'max' | 'sagaP99' | 'backlogSlope' | 'achievedRate',
        ) => at.map((step) => step[key]);
        figures.push(
          figure(caseName, rate, 'success rate', 'fraction', pick('successRate')),
          figure(caseName, rate, 'p50 latency', 'ms', pick('p50')),
          figure(caseName, rate, 'p95 latency', 'ms', pick('p95')),
          figure(caseName, rate, 'p99 latency', 'ms', pick('p99')),
          figure(caseName, rate, 'max latency', 'ms', pick('max')),
          figure(caseName, rate, 'p99 latency to saga end', 'ms', pick('sagaP99')),
          figure(caseName, rate, 'backlog growth', 'orders/s', pick('backlogSlope')),
          figure(caseName, rate, 'achieved send rate', 'orders/s', pick('achievedRate')),
          figure(
            caseName,
            rate,
            'CPU per confirmed order, all processes',
            'ms',
            at.map((s) => s.cpuMsPerConfirmedOrder.total ?? Number.NaN),
          ),
        );
      }
    }
    const spread = caseHeadline(
      steps.filter((step) => step.case === 'spread'),
      runs,
    );
    const hot = caseHeadline(
      steps.filter((step) => step.case === 'hot'),
      runs,
    );
    return {
      inputs: {
        cases: caseNames.map((name) => ({ name, skus: cases[name].skus })),
        rates: fixedRates ?? { search: ladder, resolution: 0.15, maxTrials },
        ...timing,
        warmupMs,
        idleMs,
        runtime,
        linesPerOrder: 1,
        payment: 'card tok_ok',
        readModelPollMs: 20,
      },
      figures,
      comparisons: [],
      tables: costTables(steps),
      headline: {
        ...(caseNames.includes('spread')
          ? { sustainedOrdersPerSecond: spread.sustained, p99Ms: spread.p99, sagaP99Ms: spread.sagaP99 }
          : {}),
        ...(caseNames.includes('hot')
          ? { hotSkuSustainedOrdersPerSecond: hot.sustained, hotSkuP99Ms: hot.p99, hotSkuSagaP99Ms: hot.sagaP99 }
          : {}),
      },
      details: { steps },
      notes: [
        'Each case and run starts a fresh system (schema, topics, Redis prefix, five service processes), warms it up, then offers rates in turn; a rate that leaves a backlog after the drain hands the next one a fresh system.',
        'Latency counts from the moment each order was due (start + i / rate), not from when the generator managed to send it.',
        'Confirmed = the orders read model has applied OrderConfirmed (its stored offset passed the event); saga end = the recorded time of SagaCompleted or SagaCompensated.',
        'Success = confirmed within the window plus the drain, over orders offered. Sustained = success >= 99% and no growing backlog.',
        "Net CPU per order subtracts each process's idle CPU (measured with no load after the warm-up) over the step's time.",
        'CPU from /proc/<pid>/stat once a second; postgres backends = the connections of the five services (application_name); Kafka, Redis and "postgres other" are shared servers and include any other work on the machine.',
        'Load generator, services, PostgreSQL, Kafka and Redis share the same 2 cores.',
      ],
    };
  },
};

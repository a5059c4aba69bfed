import { uniqueName } from '../../test/support/names.ts';
import { startPipeline } from '../../test/support/pipeline.ts';
import { runOpenLoad } from '../support/open-load.ts';
import type { Comparison, Figure, Scenario, ScenarioOptions, ScenarioResult } from '../support/scenario.ts';
import { median, percentile } from '../support/stats.ts';

/** What one offered rate did in one run. */
interface StepOutcome {
  rate: number;
  offered: number;
  accepted: number;
  confirmed: number;
  successRate: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Least-squares slope of the unsettled-order count over the window's second half, orders/s. */
  backlogSlope: number;
  backlogGrows: boolean;
  achievedRate: number;
}

const skuCount = 200;

/** `BENCH_E2E_RATES=25,50` measures only those offered rates (orders/s). */
const ratesFrom = (text: string | undefined): number[] | undefined => {
  if (!text) return undefined;
  const rates = text.split(',').map((part) => Number(part.trim()));
  if (rates.some((rate) => !Number.isInteger(rate) || rate < 1)) {
    throw new Error(`BENCH_E2E_RATES must list whole numbers of orders/s, got "${text}"`);
  }
  return rates.sort((a, b) => a - b);
};
const unitPrice = 1_000;

const post = async (url: string, body: unknown): Promise<void> => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${await response.text()}`);
};

const slope = (points: { x: number; y: number }[]): number => {
  if (points.length < 2) return 0;
  const mx = points.reduce((sum, p) => sum + p.x, 0) / points.length;
  const my = points.reduce((sum, p) => sum + p.y, 0) / points.length;
  const num = points.reduce((sum, p) => sum + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((sum, p) => sum + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
};

/**
 * One offered rate against a fresh system (its own schema, topics, Redis prefix and processes), so a
 * backlog left by one step never slows the next. An order counts as settled when the orders read model
 * (the table GET /orders/:id answers from) shows it confirmed or cancelled; the watcher polls that table
 * every 25 ms, so latencies carry up to 25 ms of observation delay.
 */
const runStep = async (rate: number, windowMs: number, drainMs: number, log: (line: string) => void) => {
  const pipeline = await startPipeline({ CONSISTENCY_WAIT_MS: '2000' });
  try {
    const skus = Array.from({ length: skuCount }, () => uniqueName('bench-sku'));
    for (const sku of skus) {
      await post(`${pipeline.commandApiUrl}/inventory`, { sku, name: sku, unitPrice, initialStock: 1_000_000 });
    }
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let confirmed = 0;
    let accepted = 0;
    const backlog: { x: number; y: number }[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching || sentAt.size > 0) {
        if (sentAt.size > 0) {
          const { rows } = await pipeline.pool.query<{ order_id: string; status: string }>(
            `SELECT order_id, status FROM read_orders WHERE status <> 'pending' AND order_id = ANY($1::text[])`,
            [[...sentAt.keys()]],
          );
          const seenAt = performance.now();
          for (const row of rows) {
            const at = sentAt.get(row.order_id);
            if (at === undefined) continue;
            sentAt.delete(row.order_id);
            if (row.status === 'confirmed') {
              confirmed++;
              latencies.push(seenAt - at);
            }
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();

    const load = await runOpenLoad({
      baseUrl: pipeline.commandApiUrl,
      ratePerSecond: rate,
      durationMs: windowMs,
      requestFor: (index) => ({
        path: '/orders',
        body: {
          customerId: `bench-customer-${index % 1000}`,
          items: [{ sku: skus[index % skus.length], quantity: 1 }],
          payment: [{ method: 'card', amount: unitPrice, token: 'tok_ok' }],
        },
      }),
      onAnswer: (at, status, body) => {
        if (status !== 202) return;
        accepted++;
        sentAt.set((JSON.parse(body) as { orderId: string }).orderId, at);
      },
      // Unsettled = accepted but not yet confirmed, plus requests the command API has not answered yet.
      onTick: (elapsed, inFlight) => backlog.push({ x: elapsed / 1000, y: sentAt.size + inFlight }),
    });
    const drainUntil = performance.now() + drainMs;
    while (sentAt.size > 0 && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 50));
    const unsettled = sentAt.size;
    watching = false;
    sentAt.clear();
    await watcher;

    const secondHalf = backlog.filter((point) => point.x >= windowMs / 2000);
    const backlogSlope = slope(secondHalf);
    const outcome: StepOutcome = {
      rate,
      offered: load.scheduled,
      accepted,
      confirmed,
      successRate: load.scheduled === 0 ? 0 : confirmed / load.scheduled,
      p50: percentile(latencies, 0.5),
      p95: percentile(latencies, 0.95),
      p99: percentile(latencies, 0.99),
      max: latencies.reduce((a, b) => Math.max(a, b), 0),
      backlogSlope,
      backlogGrows: backlogSlope > Math.max(1, rate * 0.02),
      achievedRate: load.achievedRate,
    };
    log(
      `  ${rate}/s: ${confirmed}/${load.scheduled} confirmed (${unsettled} unsettled after ${drainMs / 1000} s drain), ` +
        `p50 ${outcome.p50.toFixed(0)} ms, p99 ${outcome.p99.toFixed(0)} ms, backlog ${backlogSlope.toFixed(1)} orders/s`,
    );
    return outcome;
  } finally {
    await pipeline.stop();
  }
};

const figure = (rate: number, metric: string, unit: string, samples: number[]): Figure => ({
  case: `${rate} orders/s offered`,
  arm: 'e2e',
  role: 'ours',
  metric,
  unit,
  samples,
  median: median(samples),
});

export const e2eScenario: Scenario = {
  name: 'e2e',
  description:
    'Open-model load on POST /orders at fixed arrival rates; latency from the POST to the order shown confirmed in the read model the query API serves.',
  async run({ quick, runs, log }: ScenarioOptions): Promise<ScenarioResult> {
    const rates = ratesFrom(process.env.BENCH_E2E_RATES) ?? (quick ? [20, 50] : [25, 50, 100, 500, 1000, 2000]);
    const windowMs = quick ? 5_000 : 60_000;
    const drainMs = quick ? 10_000 : 20_000;
    const outcomes = new Map<number, StepOutcome[]>(rates.map((rate) => [rate, []]));
    for (let run = 1; run <= runs; run++) {
      log(`run ${run}/${runs}`);
      for (const rate of rates) outcomes.get(rate)!.push(await runStep(rate, windowMs, drainMs, log));
    }

    const figures: Figure[] = [];
    const perRate = rates.map((rate) => {
      const steps = outcomes.get(rate)!;
      const pick = (key: keyof StepOutcome) => steps.map((step) => Number(step[key]));
      figures.push(
        figure(rate, 'success rate', 'fraction', pick('successRate')),
        figure(rate, 'p50 latency', 'ms', pick('p50')),
        figure(rate, 'p95 latency', 'ms', pick('p95')),
        figure(rate, 'p99 latency', 'ms', pick('p99')),
        figure(rate, 'max latency', 'ms', pick('max')),
        figure(rate, 'backlog growth', 'orders/s', pick('backlogSlope')),
        figure(rate, 'achieved send rate', 'orders/s', pick('achievedRate')),
      );
      const growing = steps.filter((step) => step.backlogGrows).length;
      return {
        rate,
        successRate: median(pick('successRate')),
        p99: median(pick('p99')),
        backlogGrows: growing * 2 > steps.length,
      };
    });
    const sustained = perRate.filter((step) => step.successRate >= 0.99 && !step.backlogGrows).at(-1);
    const comparisons: Comparison[] = sustained
      ? [
          {
            case: 'sustained rate',
            metric: 'orders/s',
            ours: 'e2e',
            against: 'target 1,000 orders/s',
            role: 'reference',
            ratio: sustained.rate / 1000,
            pairedRatios: [sustained.rate / 1000],
            target: 1,
          },
        ]
      : [];
    return {
      inputs: { rates, windowMs, drainMs, skus: skuCount, linesPerOrder: 1, payment: 'card tok_ok', watcherPollMs: 25 },
      figures,
      comparisons,
      headline: {
        sustainedOrdersPerSecond: sustained?.rate ?? 0,
        p99Ms: sustained ? Math.round(sustained.p99) : null,
      },
      notes: [
        'Each offered rate runs against a fresh system (schema, topics, Redis prefix, five service processes).',
        'Success = confirmed in the read model within the window plus the drain time, over orders offered.',
        'Backlog grows = the unsettled count rises faster than max(1, 2% of the rate) orders/s over the second half.',
        'Load generator, services, PostgreSQL, Kafka and Redis share the same 2 cores.',
      ],
    };
  },
};

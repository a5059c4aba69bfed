import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sourceRoot } from '../../deploy/entry-arguments.ts';
import { uniqueName } from '../../test/support/names.ts';
import { startPipeline } from '../../test/support/pipeline.ts';
import { compare, measureInterleaved } from '../support/interleave.ts';
import { startLoadGenerator } from '../support/load-generator.ts';
import { epochMs } from '../support/open-load.ts';
import { readProcessStat } from '../support/process-cpu.ts';
import type { Scenario, ScenarioOptions, ScenarioResult } from '../support/scenario.ts';

/** Builds dist/ unless it is current (what `npm start` does before it runs the compiled services). */
export const ensureBuilt = (): void => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(sourceRoot, 'deploy/build.ts'), '--if-needed'], {
    cwd: sourceRoot,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('npm run build failed');
};

const residentMiB = (pid: number): number => {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('VmRSS:'));
    return Number(line?.split(/\s+/)[1] ?? Number.NaN) / 1024;
  } catch {
    return Number.NaN;
  }
};

const serviceCpuMs = (pids: number[]) => pids.reduce((sum, pid) => sum + (readProcessStat(pid)?.cpuMs ?? 0), 0);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const post = async (url: string, body: unknown, authorization: Record<string, string>) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authorization },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${url}: ${response.status}`);
};

/**
 * The five services started from the sources with tsx against the same five from dist/ (compiled by
 * `npm run build`): time until both APIs answer, CPU and memory spent starting, CPU while idle, and CPU
 * of the services per order under a fixed open load.
 */
const measureRuntime = async (compiled: boolean, quick: boolean) => {
  const started = epochMs();
  const pipeline = await startPipeline({ CONSISTENCY_WAIT_MS: '2000' }, { compiled });
  const readyMs = epochMs() - started;
  const generator = startLoadGenerator();
  try {
    const pids = Object.values(pipeline.pids()).filter((pid): pid is number => pid !== undefined);
    const startupCpuMs = serviceCpuMs(pids);
    const memoryMiB = pids.reduce((sum, pid) => sum + residentMiB(pid), 0);
    const idleFrom = serviceCpuMs(pids);
    const idleMs = quick ? 2_000 : 5_000;
    await sleep(idleMs);
    const idleCpuMsPerSecond = ((serviceCpuMs(pids) - idleFrom) * 1000) / idleMs;
    const skus = Array.from({ length: 20 }, () => uniqueName('bench-sku'));
    for (const sku of skus) {
      await post(
        `${pipeline.commandApiUrl}/inventory`,
        { sku, name: sku, unitPrice: 1_000, initialStock: 10_000_000 },
        pipeline.operator,
      );
    }
    const rate = 40;
    const windowMs = quick ? 3_000 : 10_000;
    const loadFrom = serviceCpuMs(pids);
    let accepted = 0;
    await generator.run(
      {
        step: 'load',
        baseUrl: pipeline.commandApiUrl,
        rate,
        durationMs: windowMs,
        skus,
        unitPrice: 1_000,
        authSecret: pipeline.tokens.secretText,
      },
      (rows) => {
        accepted += rows.filter((row) => row[3] === 202).length;
      },
    );
    // Time for the saga and the read models to finish the orders, the same for both arms.
    await sleep(quick ? 5_000 : 10_000);
    const serviceCpuMsPerOrder = accepted > 0 ? (serviceCpuMs(pids) - loadFrom) / accepted : Number.NaN;
    return { readyMs, startupCpuMs, memoryMiB, idleCpuMsPerSecond, serviceCpuMsPerOrder };
  } finally {
    await generator.stop();
    await pipeline.stop();
  }
};

export const runtimeScenario: Scenario = {
  name: 'runtime',
  description:
    'The five services run from the sources with tsx against the compiled JavaScript of npm run build: start-up time, CPU and memory, idle CPU, CPU per order under load.',
  async run({ quick, runs, log }: ScenarioOptions): Promise<ScenarioResult> {
    ensureBuilt();
    const caseName = 'five services';
    const figures = await measureInterleaved({
      case: caseName,
      runs,
      log,
      units: {
        readyMs: 'ms',
        startupCpuMs: 'ms',
        memoryMiB: 'MiB',
        idleCpuMsPerSecond: 'ms/s',
        serviceCpuMsPerOrder: 'ms',
      },
      arms: [
        { name: 'compiled (node dist/)', role: 'ours', measure: () => measureRuntime(true, quick) },
        { name: 'tsx (sources)', role: 'reference', measure: () => measureRuntime(false, quick) },
      ],
    });
    const comparisons = ['readyMs', 'startupCpuMs', 'memoryMiB', 'idleCpuMsPerSecond', 'serviceCpuMsPerOrder'].map(
      (metric) => compare(figures, { case: caseName, metric, ours: 'compiled (node dist/)', against: 'tsx (sources)' }),
    );
    return {
      inputs: { services: 5, loadRate: 40, loadWindowMs: quick ? 3_000 : 10_000, skus: 20 },
      figures,
      comparisons,
      notes: [
        'readyMs runs from creating the schema (and migrating it) to both APIs answering /health; the schema part is the same for both arms.',
        'startupCpuMs and memoryMiB are summed over the five service processes when both APIs first answer.',
        'serviceCpuMsPerOrder: CPU of the five services from the start of a 40 orders/s load until 10 s after it, over the orders accepted.',
        'Ratios below 1 mean the compiled build spends less.',
      ],
    };
  },
};

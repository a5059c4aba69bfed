import type { Comparison, Figure, Role } from './scenario.ts';
import { median } from './stats.ts';

/** What one run of one arm measured: metric name -> value. */
export type Sample = Record<string, number>;

export interface Arm {
  name: string;
  role: Role;
  /** Measures once; `run` counts from 0, so an arm can keep each run's data apart. */
  measure(run: number): Promise<Sample>;
}

export interface InterleavedOptions {
  case: string;
  arms: Arm[];
  runs: number;
  /** Unit of every metric an arm reports; a metric without one is reported as a bare number. */
  units: Record<string, string>;
  log: (line: string) => void;
}

const formatValue = (value: number): string =>
  Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : value.toPrecision(3);

/**
 * Measures every arm `runs` times, side by side: ours, peer, limit, ours, peer, limit, ... so a burst of
 * load from another process on the machine hits every arm alike instead of one whole series.
 */
export const measureInterleaved = async ({ case: caseName, arms, runs, units, log }: InterleavedOptions) => {
  const samples = new Map<string, Sample[]>(arms.map((arm) => [arm.name, []]));
  for (let run = 0; run < runs; run++) {
    for (const arm of arms) {
      const sample = await arm.measure(run);
      samples.get(arm.name)?.push(sample);
      const shown = Object.entries(sample)
        .map(([metric, value]) => `${metric} ${formatValue(value)}`)
        .join(', ');
      log(`  ${caseName} | run ${run + 1}/${runs} | ${arm.name}: ${shown}`);
    }
  }
  const figures: Figure[] = arms.flatMap((arm) => {
    const armSamples = samples.get(arm.name) ?? [];
    const metrics = [...new Set(armSamples.flatMap((sample) => Object.keys(sample)))];
    return metrics.map((metric) => {
      const values = armSamples.map((sample) => sample[metric] ?? Number.NaN);
      return {
        case: caseName,
        arm: arm.name,
        role: arm.role,
        metric,
        unit: units[metric] ?? '',
        samples: values,
        median: median(values),
      };
    });
  });
  return figures;
};

/** Ours against another arm on one metric, from figures of the same case. */
export const compare = (
  figures: readonly Figure[],
  {
    case: caseName,
    metric,
    ours,
    against,
    target,
  }: { case: string; metric: string; ours: string; against: string; target?: number },
): Comparison => {
  const find = (arm: string) => {
    const figure = figures.find((f) => f.case === caseName && f.arm === arm && f.metric === metric);
    if (!figure) throw new Error(`no figure ${metric} of ${arm} in case ${caseName}`);
    return figure;
  };
  const mine = find(ours);
  const theirs = find(against);
  return {
    case: caseName,
    metric,
    ours,
    against,
    role: theirs.role,
    ratio: mine.median / theirs.median,
    pairedRatios: mine.samples.map((value, run) => value / (theirs.samples[run] ?? Number.NaN)),
    ...(target === undefined ? {} : { target }),
  };
};

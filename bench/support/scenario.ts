/**
 * What a benchmark scenario is and what it hands back. bench/run.ts keeps the registry of scenarios;
 * a new one (the projector, the end-to-end flow) is a file under bench/scenarios/ exporting a `Scenario`.
 */

/** `ours` is the code under test; `peer` another library doing the same job; `limit` the ceiling of the
 * hardware and servers for the same bytes; `reference` a further yardstick that helps explain a gap. */
export type Role = 'ours' | 'peer' | 'limit' | 'reference';

export interface ScenarioOptions {
  /** Shorter durations and counts: a smoke run, not a figure to quote. */
  quick: boolean;
  /** Measurements per figure (each figure is the median of these); at least 3. */
  runs: number;
  databaseUrl: string;
  kafkaBrokers: string[];
  log: (line: string) => void;
}

/** One measured quantity of one arm in one case, over all runs. */
export interface Figure {
  /** The setting the arms were compared in, e.g. `16 writers`. */
  case: string;
  arm: string;
  role: Role;
  metric: string;
  unit: string;
  /** One value per run, in run order. */
  samples: number[];
  median: number;
}

/** Ours against one other arm on one metric: the ratio of the medians, and the per-run ratios behind it. */
export interface Comparison {
  case: string;
  metric: string;
  ours: string;
  against: string;
  role: Role;
  ratio: number;
  /** ours[i] / against[i] for every run i: the arms ran side by side, so each pair saw the same load. */
  pairedRatios: number[];
  /** The ratio we aim for, when there is one. */
  target?: number;
}

export interface Table {
  title: string;
  columns: string[];
  rows: (string | number)[][];
}

export interface ScenarioResult {
  /** Counts, sizes, writers, durations: what someone needs to rerun the same thing. */
  inputs: Record<string, unknown>;
  figures: Figure[];
  comparisons: Comparison[];
  /** Observations made while measuring (where the time went, what was excluded). */
  notes: string[];
  /** The few numbers a reader wants first (e.g. the sustained rate); printed at the top of the summary. */
  headline?: Record<string, number | string | null>;
  /** Further tables for the Markdown report (e.g. cost per order), rendered after the figures. */
  tables?: Table[];
  /** Anything more a reader of the JSON needs (per-step measurements); not rendered in the Markdown. */
  details?: Record<string, unknown>;
}

export interface Scenario {
  name: string;
  description: string;
  /** Fewest runs accepted with --runs (default 3); a scenario whose runs take many minutes may allow fewer. */
  minimumRuns?: number;
  run(options: ScenarioOptions): Promise<ScenarioResult>;
}

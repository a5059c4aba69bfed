/** Order statistics for benchmark samples. */

const sorted = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);

/** The q-quantile (0..1) with linear interpolation between the closest ranks. */
export const percentile = (values: readonly number[], q: number): number => {
  if (values.length === 0) return Number.NaN;
  const ordered = sorted(values);
  const rank = Math.min(Math.max(q, 0), 1) * (ordered.length - 1);
  const below = Math.floor(rank);
  const above = Math.ceil(rank);
  const low = ordered[below] as number;
  const high = ordered[above] as number;
  return low + (high - low) * (rank - below);
};

export const median = (values: readonly number[]): number => percentile(values, 0.5);

export const mean = (values: readonly number[]): number =>
  values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;

/** Latency summary in the unit of the input. */
export const latencySummary = (latencies: readonly number[]): { p50: number; p99: number; max: number } => ({
  p50: percentile(latencies, 0.5),
  p99: percentile(latencies, 0.99),
  max: latencies.length === 0 ? Number.NaN : latencies.reduce((highest, value) => Math.max(highest, value), -Infinity),
});

/** Least-squares slope of y over x: how fast a sampled quantity rises (0 for fewer than two points). */
export const slope = (points: readonly { x: number; y: number }[]): number => {
  if (points.length < 2) return 0;
  const mx = mean(points.map((p) => p.x));
  const my = mean(points.map((p) => p.y));
  const num = points.reduce((sum, p) => sum + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((sum, p) => sum + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
};

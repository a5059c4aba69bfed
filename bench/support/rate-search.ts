/**
 * The search for the highest sustainable rate: climb a ladder of offered rates until one fails, then halve
 * the interval between the best rate that held and the lowest that failed until it is narrower than
 * `resolution` of the failing rate. Pure, so its choices are tested without a system under load.
 */
export interface RateTrial {
  rate: number;
  sustained: boolean;
}

export interface RateSearchOptions {
  ladder: readonly number[];
  /** Stop when (lowest failing - highest holding) / lowest failing is at most this. */
  resolution?: number;
  /** Never try more rates than this. */
  maxTrials?: number;
}

/** Rounds to a figure a reader would choose: steps of 5 below 100, of 10 below 1,000, of 50 above. */
export const roundRate = (rate: number): number => {
  const step = rate < 100 ? 5 : rate < 1_000 ? 10 : 50;
  return Math.max(step, Math.round(rate / step) * step);
};

/** The next rate to offer, or undefined when the search is done. */
export const nextRate = (trials: readonly RateTrial[], options: RateSearchOptions): number | undefined => {
  const { ladder, resolution = 0.15, maxTrials = 8 } = options;
  if (trials.length >= maxTrials) return undefined;
  const held = trials.filter((trial) => trial.sustained).map((trial) => trial.rate);
  const best = held.length > 0 ? Math.max(...held) : 0;
  const failedAbove = trials.filter((trial) => !trial.sustained && trial.rate > best).map((trial) => trial.rate);
  if (failedAbove.length === 0) return ladder.find((rate) => rate > best);
  const lowestFailed = Math.min(...failedAbove);
  if ((lowestFailed - best) / lowestFailed <= resolution) return undefined;
  const middle = roundRate((best + lowestFailed) / 2);
  const tried = new Set(trials.map((trial) => trial.rate));
  return middle > best && middle < lowestFailed && !tried.has(middle) ? middle : undefined;
};

/** The highest rate that held, or 0. */
export const sustainedRate = (trials: readonly RateTrial[]): number =>
  trials.filter((trial) => trial.sustained).reduce((best, trial) => Math.max(best, trial.rate), 0);

import { usageError } from './cli-error.ts';

const unitMs: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `7d`, `12h`, `30m`, `45s`, `500ms`, `2w` → milliseconds (> 0). Anything else is a usage error. */
export const parseDuration = (text: string): number => {
  const match = /^(\d+)(ms|s|m|h|d|w)$/.exec(text.trim());
  const amount = match ? Number(match[1]) : Number.NaN;
  const ms = match ? amount * unitMs[match[2]!]! : Number.NaN;
  if (!Number.isSafeInteger(ms) || ms <= 0) {
    throw usageError(
      `bad duration "${text}": use a positive whole number with ms, s, m, h, d or w (e.g. 7d, 12h, 30m)`,
    );
  }
  return ms;
};

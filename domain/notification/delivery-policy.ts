/**
 * When a webhook attempt counts as delivered, when it is tried again and how long after, and when a
 * subscription that keeps failing is switched off. Pure: the notifier passes the clock and the dice.
 */

/** What one attempt came back with: an HTTP status, or no answer at all. */
export type AttemptResult =
  | { kind: 'answered'; status: number; retryAfter?: string }
  | { kind: 'timeout' }
  | { kind: 'unreachable'; error: string }
  /** Never sent: the host is, or now resolves to, an address inside the network. */
  | { kind: 'refused'; error: string };

export interface RetryPolicy {
  /** Attempts per delivery, the first included (WEBHOOK_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** Pause after the first failed attempt; doubled after each further one. */
  baseDelayMs: number;
  /** No pause is longer, whatever the doubling or a `Retry-After` asks for. */
  maxDelayMs: number;
}

export type AttemptVerdict =
  | { outcome: 'sent'; status: number }
  | { outcome: 'retry'; delayMs: number; status?: number; error: string }
  | { outcome: 'failed'; status?: number; error: string };

const isSuccess = (status: number) => status >= 200 && status < 300;
/** Timeouts, lost connections, 5xx and 429 may pass; any other answer (4xx, a redirect we never follow) will not. */
const isTransient = (result: AttemptResult) =>
  result.kind === 'timeout' ||
  result.kind === 'unreachable' ||
  (result.kind === 'answered' && (result.status >= 500 || result.status === 429));

const describe = (result: AttemptResult): string => {
  switch (result.kind) {
    case 'answered':
      return `HTTP ${result.status}`;
    case 'timeout':
      return 'no answer before the timeout';
    case 'unreachable':
    case 'refused':
      return result.error;
  }
};

/** Seconds or an HTTP date, as RFC 9110 allows; undefined when it is neither or lies in the past. */
export const retryAfterMs = (value: string | undefined, now: Date): number | undefined => {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
};

/**
 * Exponential backoff with full jitter (a random pause between half and all of the doubled delay), so
 * receivers that came back are not hit by every notifier at once; a `Retry-After` replaces it, capped too.
 */
export const backoffMs = (attempt: number, policy: RetryPolicy, random: () => number, retryAfter?: number): number => {
  if (retryAfter !== undefined) return Math.min(policy.maxDelayMs, retryAfter);
  const doubled = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(doubled / 2 + random() * (doubled / 2));
};

/** The verdict on attempt number `attempt` (1 for the first). */
export const judgeAttempt = (
  result: AttemptResult,
  attempt: number,
  policy: RetryPolicy,
  now: Date,
  random: () => number,
): AttemptVerdict => {
  const status = result.kind === 'answered' ? result.status : undefined;
  if (status !== undefined && isSuccess(status)) return { outcome: 'sent', status };
  const error = describe(result);
  const withStatus = status === undefined ? {} : { status };
  if (!isTransient(result) || attempt >= policy.maxAttempts) return { outcome: 'failed', ...withStatus, error };
  const retryAfter = result.kind === 'answered' ? retryAfterMs(result.retryAfter, now) : undefined;
  return { outcome: 'retry', delayMs: backoffMs(attempt, policy, random, retryAfter), ...withStatus, error };
};

/**
 * A subscription whose every attempt failed since `failingSince` is disabled once that streak is
 * `disableAfterMs` long (WEBHOOK_DISABLE_AFTER); one delivered attempt ends the streak.
 */
export const shouldDisable = (failingSince: Date | undefined, now: Date, disableAfterMs: number): boolean =>
  failingSince !== undefined && now.getTime() - failingSince.getTime() >= disableAfterMs;

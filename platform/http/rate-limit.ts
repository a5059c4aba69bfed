import { AccessRefused } from './access.ts';

/**
 * A token bucket per key (the subject of a token): `perMinute` requests a minute on average, bursts of up
 * to a minute's worth. Per process: each API instance counts on its own (docs/security.md). Idle buckets
 * are forgotten once full again, so memory follows the callers active in the last minute.
 */
export interface RateLimiter {
  /** Takes one request's token or throws 429 with `Retry-After` (whole seconds until a token is back). */
  take(key: string): void;
}

export const tokenBucketLimiter = ({
  perMinute,
  clock = () => new Date(),
  maxKeys = 100_000,
}: {
  perMinute: number;
  clock?: () => Date;
  maxKeys?: number;
}): RateLimiter => {
  const capacity = perMinute;
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();

  const forgetFullBuckets = (now: number) => {
    for (const [key, bucket] of buckets) {
      if (bucket.tokens + (now - bucket.at) * perMs >= capacity) buckets.delete(key);
    }
  };

  return {
    take: (key) => {
      const now = clock().getTime();
      const bucket = buckets.get(key);
      const tokens = bucket ? Math.min(capacity, bucket.tokens + Math.max(0, now - bucket.at) * perMs) : capacity;
      if (tokens < 1) {
        const retryAfter = Math.max(1, Math.ceil((1 - tokens) / perMs / 1000));
        throw new AccessRefused(429, 'rate_limited', `at most ${perMinute} orders a minute; retry in ${retryAfter} s`, {
          'Retry-After': String(retryAfter),
        });
      }
      if (!bucket && buckets.size >= maxKeys) forgetFullBuckets(now);
      buckets.set(key, { tokens: tokens - 1, at: now });
    },
  };
};

import type { Middleware } from 'koa';
import { z } from 'zod';
import { validationError } from '../domain/errors.ts';
import { type ConsistencyPoint, decodeConsistencyToken } from '../schemas/consistency-token.ts';
import type { ChangeFeed } from './change-feed.ts';

export const consistencyTokenHeader = 'X-Consistency-Token';
export const consistencyStaleHeader = 'X-Consistency-Stale';

/** How the OpenAPI document names the token; `consistencyWait` reads and checks it. */
export const consistencyHeaders = z.object({
  [consistencyTokenHeader]: z
    .string()
    .optional()
    .meta({ description: 'A token from a command answer: wait (briefly) until this read model reflects that command' }),
});

export interface ConsistencyWaitOptions {
  /** Whether a read model reflects the stream at all; a token for any other stream waits for nothing. */
  isProjected: (streamId: string) => boolean;
  /** The version of the stream its read model reflects; `undefined` while it holds none of it. */
  projectedVersion: (streamId: string) => Promise<number | undefined>;
  /** Wakes a wait as soon as a projector reports a batch, instead of at the next poll. */
  changes: ChangeFeed;
  /** How long a query waits for its read model before it answers with what it has. */
  waitMs: number;
  /** The fallback poll, for a projector whose change message was lost. */
  pollMs?: number;
}

/**
 * Read-your-writes on request: a query carrying `X-Consistency-Token` first waits (up to `waitMs`)
 * until the read model holding the token's stream reflects the token's version. If it does not
 * catch up in time the query still answers, with what it has, and says so with `X-Consistency-Stale: true`.
 * A token for a stream no read model shows (points, coupons) has nothing to wait for.
 */
export const consistencyWait =
  (options: ConsistencyWaitOptions): Middleware =>
  async (ctx, next) => {
    const token = ctx.get(consistencyTokenHeader);
    if (token === '') return next();
    const point = decodeConsistencyToken(token);
    if (!point) {
      throw validationError('the consistency token is not one this backend issued', [
        { field: consistencyTokenHeader, message: 'must be a token from a command answer' },
      ]);
    }
    if (!options.isProjected(point.streamId)) return next();
    const gone = new AbortController();
    const abort = () => gone.abort();
    ctx.res.once('close', abort);
    try {
      if (!(await waitUntilProjected(point, options, gone.signal))) ctx.set(consistencyStaleHeader, 'true');
    } finally {
      ctx.res.off('close', abort);
    }
    await next();
  };

/** True once the read model reflects the point; false when `waitMs` ran out (or the client left) first. */
export const waitUntilProjected = async (
  point: ConsistencyPoint,
  { projectedVersion, changes, waitMs, pollMs = 50 }: Omit<ConsistencyWaitOptions, 'isProjected'>,
  signal?: AbortSignal,
): Promise<boolean> => {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const version = await projectedVersion(point.streamId);
    if (version !== undefined && version >= point.version) return true;
    const left = deadline - Date.now();
    if (left <= 0 || signal?.aborted) return false;
    await nextChange(changes, Math.min(pollMs, left), signal);
  }
};

const nextChange = (changes: ChangeFeed, timeoutMs: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stopListening();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    const stopListening = changes.onChange(done);
    signal?.addEventListener('abort', done, { once: true });
  });

/** Doubles from 100 ms per attempt, up to `maxDelayMs`. */
export const retryDelayMs = (attempt: number, maxDelayMs = 5_000): number =>
  Math.min(maxDelayMs, 50 * 2 ** Math.min(attempt, 10));

/** Resolves after `ms`, or at once when `signal` aborts. */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

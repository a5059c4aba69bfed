/** Each part a process depends on, by the name `/health` reports it under; a probe answers true when it is up. */
export type HealthProbes = Record<string, () => Promise<boolean>>;

export interface HealthReport {
  /** 200 when every part is up, else 503. */
  status: 200 | 503;
  body: { status: 'ok' | 'down' } & Record<string, unknown>;
}

/**
 * Runs every probe at once, each given `timeoutMs`. The body is `{status: 'ok' | 'down', <part>: 'up' |
 * 'down', ...details}`; `details` adds what a reader needs beside up/down (a relay's lag), and a failure to
 * produce them is reported, never thrown.
 */
export const healthReport = async (
  probes: HealthProbes,
  timeoutMs: number,
  details?: () => Promise<Record<string, unknown>>,
): Promise<HealthReport> => {
  const parts = Object.entries(probes);
  const [up, extra] = await Promise.all([
    Promise.all(parts.map(([, probe]) => answersWithin(probe, timeoutMs))),
    details ? details().catch((error: unknown) => ({ detailsError: (error as Error).message })) : {},
  ]);
  const allUp = up.every(Boolean);
  return {
    status: allUp ? 200 : 503,
    body: {
      status: allUp ? 'ok' : 'down',
      ...Object.fromEntries(parts.map(([name], index) => [name, up[index] ? 'up' : 'down'])),
      ...extra,
    },
  };
};

/** False when the probe says no, fails, or takes longer than `timeoutMs`: a health check must answer quickly. */
export const answersWithin = async (probe: () => Promise<boolean>, timeoutMs: number): Promise<boolean> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([probe().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * Liveness of a loop that should succeed now and then (a relay publishing, a poller scanning): up until
 * `staleAfterMs` pass without a success while failures are being reported.
 */
export const loopHealth = (staleAfterMs: number, now: () => number = Date.now) => {
  let lastSuccess = now();
  let failingSince: number | undefined;
  let lastError: string | undefined;
  return {
    succeeded() {
      lastSuccess = now();
      failingSince = undefined;
      lastError = undefined;
    },
    failed(error: unknown) {
      failingSince ??= now();
      lastError = error instanceof Error ? error.message : String(error);
    },
    isUp: async () => failingSince === undefined || now() - lastSuccess < staleAfterMs,
    lastError: () => lastError,
  };
};

export type LoopHealth = ReturnType<typeof loopHealth>;

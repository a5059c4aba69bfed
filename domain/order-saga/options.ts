/** Timing and retry policy of the saga; `createSagaDecider` fills in the defaults. */
export interface SagaOptions {
  /** How long the saga waits for the payment's answer before it voids and cancels. */
  paymentTimeoutMs: number;
  /** Attempts of one step, the first included, before the saga is stuck on it. */
  maxAttempts: number;
  /** Delay before the second attempt; doubled for each further one. */
  retryBaseMs: number;
  /** Longest delay between two attempts. */
  retryMaxMs: number;
}

export const defaultSagaOptions: SagaOptions = {
  paymentTimeoutMs: 30_000,
  maxAttempts: 5,
  retryBaseMs: 200,
  retryMaxMs: 10_000,
};

/** The pause after a failed attempt: exponential, capped. No jitter: the decider stays deterministic. */
export const retryDelayMs = (options: SagaOptions, failedAttempt: number): number =>
  Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** (failedAttempt - 1));

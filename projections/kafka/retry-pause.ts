import type { EachBatchPayload } from 'kafkajs';

/** Doubles from 100 ms per attempt, up to `maxDelayMs`. */
export const retryDelayMs = (attempt: number, maxDelayMs = 5_000): number =>
  Math.min(maxDelayMs, 50 * 2 ** Math.min(attempt, 10));

/**
 * The pause after a transient failure, before the next attempt at the same record or batch. The
 * heartbeat after it keeps the group from handing the partition to another member meanwhile.
 */
export const pauseBeforeRetry = async (
  payload: Pick<EachBatchPayload, 'heartbeat'>,
  attempt: number,
  maxDelayMs?: number,
): Promise<void> => {
  await new Promise((resolve) => setTimeout(resolve, retryDelayMs(attempt, maxDelayMs)));
  await payload.heartbeat();
};

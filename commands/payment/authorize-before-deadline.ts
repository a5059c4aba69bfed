import { validationError } from '../../domain/errors.ts';
import type {
  AuthorizationRequest,
  AuthorizationResult,
  PaymentGateway,
} from '../../domain/payment/payment-gateway.ts';

/**
 * The gateway gave no answer before the deadline. The charge may still go through on its side, so this is
 * not a decline: the saga waits for its payment deadline and then voids.
 */
export class GatewayNoAnswerError extends Error {
  constructor(
    readonly orderId: string,
    readonly waitedMs: number,
  ) {
    super(`the gateway gave no answer for order ${orderId} within ${waitedMs} ms`);
    this.name = 'GatewayNoAnswerError';
  }
}

export interface GatewayDeadline {
  clock: () => Date;
  timeoutMs: number;
  /** ISO instant; the call is aborted at whichever comes first, this or now + timeoutMs. */
  deadlineAt?: string;
}

const deadlineMsOf = (deadlineAt: string | undefined): number => {
  if (deadlineAt === undefined) return Number.POSITIVE_INFINITY;
  const ms = Date.parse(deadlineAt);
  if (Number.isNaN(ms)) {
    throw validationError(`not an ISO instant: ${deadlineAt}`, [
      { field: 'deadlineAt', message: 'must be an ISO-8601 instant' },
    ]);
  }
  return ms;
};

/**
 * Calls the gateway with a signal that aborts at the deadline, and stops waiting then even if the gateway
 * ignores its signal. A rejection after the abort (or the abort itself) becomes GatewayNoAnswerError.
 */
export const authorizeBeforeDeadline = async (
  gateway: PaymentGateway,
  request: AuthorizationRequest,
  { clock, timeoutMs, deadlineAt }: GatewayDeadline,
): Promise<AuthorizationResult> => {
  const nowMs = clock().getTime();
  const waitMs = Math.min(nowMs + timeoutMs, deadlineMsOf(deadlineAt)) - nowMs;
  const noAnswer = new GatewayNoAnswerError(request.orderId, Math.max(0, waitMs));
  // Past the deadline an answer cannot help, and the gateway did nothing wrong: no call, no breaker failure.
  if (waitMs <= 0) throw noAnswer;

  const controller = new AbortController();
  let stopWaiting: (reason: unknown) => void = () => {};
  const aborted = new Promise<never>((_, reject) => {
    stopWaiting = reject;
  });
  const timer = setTimeout(() => {
    controller.abort(noAnswer);
    stopWaiting(noAnswer);
  }, waitMs);
  try {
    return await Promise.race([gateway.authorize(request, controller.signal), aborted]);
  } catch (error) {
    if (controller.signal.aborted) throw noAnswer;
    throw error;
  } finally {
    clearTimeout(timer);
  }
};

import {
  type AuthorizationRequest,
  type AuthorizationResult,
  type PaymentGateway,
  TransientGatewayError,
} from '../../domain/payment/payment-gateway.ts';

/** Test tokens that choose the simulated outcome; any other token is declined as `invalid_token`. */
export const simulatedTokens = {
  approve: 'tok_ok',
  decline: 'tok_declined',
  neverAnswer: 'tok_timeout',
  failTransiently: 'tok_error',
} as const;

export interface SimulatedPaymentGatewayOptions {
  /** Delay before every answer, to model a remote call. Default 0. */
  latencyMs?: number;
}

const abortReason = (signal: AbortSignal): unknown =>
  signal.reason ?? new DOMException('the authorization was aborted', 'AbortError');

/** Resolves after `ms`, or rejects as soon as the signal aborts. `ms = Infinity` waits for the abort only. */
const waitFor = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    if (ms <= 0) {
      resolve();
      return;
    }
    const onAbort = () => {
      if (timer) clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = Number.isFinite(ms)
      ? setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, ms)
      : undefined;
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * A gateway without a network: the token decides the outcome. The authorization id derives from
 * the order id, so authorizing an order twice gives the same id, as a real idempotent gateway would.
 */
export const simulatedPaymentGateway = (options: SimulatedPaymentGatewayOptions = {}): PaymentGateway => {
  const latencyMs = options.latencyMs ?? 0;
  return {
    async authorize(request: AuthorizationRequest, signal?: AbortSignal): Promise<AuthorizationResult> {
      if (request.token === simulatedTokens.neverAnswer) {
        await waitFor(Number.POSITIVE_INFINITY, signal);
      }
      await waitFor(latencyMs, signal);
      switch (request.token) {
        case simulatedTokens.approve:
          return { outcome: 'approved', authorizationId: `auth_${request.orderId}` };
        case simulatedTokens.decline:
          return { outcome: 'declined', reason: 'declined' };
        case simulatedTokens.failTransiently:
          throw new TransientGatewayError(`simulated gateway failure for order ${request.orderId}`);
        default:
          return { outcome: 'declined', reason: 'invalid_token' };
      }
    },
  };
};

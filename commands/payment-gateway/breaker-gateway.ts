import type { PaymentGateway } from '../../domain/payment/payment-gateway.ts';
import { watchBreaker } from '../../platform/metrics.ts';
import type { CircuitBreaker } from './circuit-breaker.ts';

/**
 * Runs every authorization through the breaker. A decline is an answer and counts as a success; a
 * TransientGatewayError or an abort (the caller's timeout) is a rejection and counts as a failure.
 */
export const withCircuitBreaker = (gateway: PaymentGateway, breaker: CircuitBreaker): PaymentGateway => {
  watchBreaker('payment-gateway', () => breaker.state());
  return { authorize: (request, signal) => breaker.run(() => gateway.authorize(request, signal)) };
};

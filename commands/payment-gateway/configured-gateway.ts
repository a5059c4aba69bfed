import type { Config } from '../../deploy/config.ts';
import type { PaymentGateway } from '../../domain/payment/payment-gateway.ts';
import { withCircuitBreaker } from './breaker-gateway.ts';
import { createCircuitBreaker } from './circuit-breaker.ts';
import { withFaultDrill } from './gateway-fault-drill.ts';
import { withSealedTokens } from './sealed-token-gateway.ts';
import { simulatedPaymentGateway } from './simulated-payment-gateway.ts';

export type GatewayConfig = Pick<
  Config,
  'gatewayLatencyMs' | 'gatewayBreakerFailureThreshold' | 'gatewayBreakerOpenMs'
> &
  Partial<Pick<Config, 'gatewayFaultFile'>>;

/**
 * The gateway a process uses: the simulated one (the only adapter so far) behind a circuit breaker, given
 * the clear token of a sealed one when the data key is passed (sealed-token-gateway.ts).
 */
export const configuredPaymentGateway = (
  config: GatewayConfig,
  clock: () => Date = () => new Date(),
  dataKey?: Buffer,
): PaymentGateway => {
  const gateway = withCircuitBreaker(
    config.gatewayFaultFile
      ? withFaultDrill(simulatedPaymentGateway({ latencyMs: config.gatewayLatencyMs }), config.gatewayFaultFile)
      : simulatedPaymentGateway({ latencyMs: config.gatewayLatencyMs }),
    createCircuitBreaker({
      failureThreshold: config.gatewayBreakerFailureThreshold,
      openMs: config.gatewayBreakerOpenMs,
      clock,
    }),
  );
  return dataKey ? withSealedTokens(gateway, dataKey) : gateway;
};

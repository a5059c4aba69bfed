import { existsSync } from 'node:fs';
import { type PaymentGateway, TransientGatewayError } from '../../domain/payment/payment-gateway.ts';

/**
 * A gateway outage on demand, for drills and fault tests: while `file` exists, every call fails transiently
 * without reaching the gateway, as an unreachable one would (`GATEWAY_FAULT_FILE`, docs/operations.md).
 */
export const withFaultDrill = (gateway: PaymentGateway, file: string): PaymentGateway => ({
  authorize: (request, signal) => {
    if (existsSync(file)) return Promise.reject(new TransientGatewayError('gateway unreachable (fault drill)'));
    return gateway.authorize(request, signal);
  },
});

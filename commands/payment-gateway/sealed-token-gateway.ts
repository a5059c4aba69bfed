import type { PaymentGateway } from '../../domain/payment/payment-gateway.ts';
import { isSealed, unseal } from '../../platform/data-key.ts';

/**
 * Card and BNPL tokens travel sealed under the data key (the command API seals them; events and Kafka
 * records never hold them in clear). They are opened here, at the last moment, for the outside gateway.
 * A token that was stored in clear before sealing existed is passed as it is.
 */
export const withSealedTokens = (gateway: PaymentGateway, dataKey: Buffer): PaymentGateway => ({
  authorize: (request, signal) =>
    gateway.authorize(
      isSealed(request.token) ? { ...request, token: unseal(dataKey, request.token) } : request,
      signal,
    ),
});

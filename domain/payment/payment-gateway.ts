import type { GatewayMethod } from '../payment-plan/payment-part.ts';

export interface AuthorizationRequest {
  orderId: string;
  method: GatewayMethod;
  /** Integer minor units. */
  amount: number;
  token: string;
}

export type AuthorizationResult =
  | { outcome: 'approved'; authorizationId: string }
  | { outcome: 'declined'; reason: string };

/**
 * The card/BNPL gateway, an outside system. A decline is an answer; a timeout (abort) or a
 * TransientGatewayError means "no answer", and the caller may retry or give up.
 */
export interface PaymentGateway {
  authorize(request: AuthorizationRequest, signal?: AbortSignal): Promise<AuthorizationResult>;
}

/** The gateway failed without answering; retrying the same request may succeed. */
export class TransientGatewayError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientGatewayError';
  }
}

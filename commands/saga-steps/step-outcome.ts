import { isDomainError } from '../../domain/errors.ts';
import { TransientGatewayError } from '../../domain/payment/payment-gateway.ts';
import { WrongExpectedVersionError } from '../event-store/event-store.ts';
import { GatewayNoAnswerError } from '../payment/authorize-before-deadline.ts';
import { CircuitOpenError } from '../payment-gateway/circuit-breaker.ts';

/** A domain event a step's command recorded: what the saga may observe of it. */
export interface StepEvent {
  type: string;
  data: unknown;
}

/**
 * What the saga's runner reports back. A success lists the domain events the step's commands recorded (or
 * found recorded by an earlier run). `transient: true` means "nothing was decided, run the step again
 * later"; `transient: false` is a final refusal the saga reacts to (compensate, cancel, wait).
 */
export type StepOutcome =
  | { ok: true; events: StepEvent[] }
  | { ok: false; error: string; rule?: string; transient: boolean };

/** The step itself is malformed (unknown command type, unparsable data, a stream that does not fit). */
export class InvalidStepError extends Error {
  override name = 'InvalidStepError';
}

/**
 * A refusal by an aggregate, a malformed step and a gateway that did not answer in time are final. Anything
 * else (a version conflict left after the handler's retries, the gateway failing or its circuit open, the
 * store unreachable, an error nobody foresaw) is transient: deciding on an unexplained failure could cancel
 * an order that a retry would have completed, and the saga bounds its retries anyway.
 */
export const classifyStepError = (error: unknown): StepOutcome & { ok: false } => {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof InvalidStepError) return { ok: false, error: message, rule: 'invalid_step', transient: false };
  if (isDomainError(error)) return { ok: false, error: message, rule: error.rule ?? error.code, transient: false };
  if (error instanceof GatewayNoAnswerError) {
    return { ok: false, error: message, rule: 'gateway_no_answer', transient: false };
  }
  if (error instanceof CircuitOpenError) return { ok: false, error: message, rule: 'circuit_open', transient: true };
  if (error instanceof TransientGatewayError) {
    return { ok: false, error: message, rule: 'gateway_unavailable', transient: true };
  }
  if (error instanceof WrongExpectedVersionError) {
    return { ok: false, error: message, rule: 'version_conflict', transient: true };
  }
  return { ok: false, error: error instanceof Error ? `${error.name}: ${message}` : message, transient: true };
};

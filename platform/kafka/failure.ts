import { WrongExpectedVersionError } from '../../commands/event-store/event-store.ts';
import { isDomainError } from '../../domain/errors.ts';
import { TransientGatewayError } from '../../domain/payment/payment-gateway.ts';
import { EnvelopeError } from '../../schemas/kafka-envelope.ts';
import { SchemaDecodeError, UnknownSchemaError } from '../../schemas/schema-errors.ts';
import { unavailableDependencyOf } from '../unavailable.ts';

/** Thrown by a handler that knows a record can never be handled: it goes to the dead-letter topic. */
export class PoisonMessageError extends Error {
  override name = 'PoisonMessageError';
}

/**
 * Poison: retrying can never help (bad bytes, unknown type, a business refusal). Anything else is
 * tried again; see `failureKind`.
 */
export const isPoison = (error: unknown): boolean =>
  error instanceof PoisonMessageError ||
  error instanceof EnvelopeError ||
  error instanceof UnknownSchemaError ||
  error instanceof SchemaDecodeError ||
  isDomainError(error);

/**
 * - `poison`: dead-lettered at once.
 * - `transient`: a dependency (PostgreSQL, Redis, Kafka, the payment gateway) is away, or a write lost a
 *   race (version conflict, serialization failure, deadlock); retried for as long as it takes, since
 *   dead-lettering every record of an outage would empty the topic into the dead-letter topic.
 * - `unknown`: anything else (a TypeError, a unique violation, a Lua error): retried a bounded number of
 *   times, then dead-lettered with its reason so the partition keeps moving.
 */
export type FailureKind = 'poison' | 'transient' | 'unknown';

/** SQLSTATEs of a transaction that lost a race: the same work succeeds when tried again. */
const contentionCodes = new Set(['40001', '40P01']);

export const failureKind = (error: unknown): FailureKind => {
  if (isPoison(error)) return 'poison';
  if (unavailableDependencyOf(error) !== undefined) return 'transient';
  if (error instanceof WrongExpectedVersionError || error instanceof TransientGatewayError) return 'transient';
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && contentionCodes.has(code)) return 'transient';
  return 'unknown';
};

export const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

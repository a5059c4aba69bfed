import { isDomainError } from '../../domain/errors.ts';
import { EnvelopeError } from '../../schemas/kafka-envelope.ts';
import { SchemaDecodeError, UnknownSchemaError } from '../../schemas/schema-errors.ts';

/** Thrown by a handler that knows a record can never be handled: it goes to the dead-letter topic. */
export class PoisonMessageError extends Error {
  override name = 'PoisonMessageError';
}

/**
 * Poison: retrying can never help (bad bytes, unknown type, a business refusal). Anything else
 * (a database or broker briefly away, a version conflict) is retried in place, never dead-lettered.
 */
export const isPoison = (error: unknown): boolean =>
  error instanceof PoisonMessageError ||
  error instanceof EnvelopeError ||
  error instanceof UnknownSchemaError ||
  error instanceof SchemaDecodeError ||
  isDomainError(error);

export const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

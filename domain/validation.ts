import { type FieldError, validationError } from './errors.ts';

/** Field checks shared by the deciders; input may come straight from JSON, so nothing is trusted. */

export const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

export const isIntegerBetween = (value: unknown, min: number, max: number): value is number =>
  Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;

export const isNonNegativeInteger = (value: unknown): value is number =>
  isIntegerBetween(value, 0, Number.MAX_SAFE_INTEGER);

export const isPositiveInteger = (value: unknown): value is number =>
  isIntegerBetween(value, 1, Number.MAX_SAFE_INTEGER);

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Collects field errors so a caller learns every problem of a request at once. */
export class FieldErrors {
  readonly errors: FieldError[] = [];

  check(valid: boolean, field: string, message: string): this {
    if (!valid) this.errors.push({ field, message });
    return this;
  }

  add(errors: readonly FieldError[]): this {
    this.errors.push(...errors);
    return this;
  }

  /** Throws a validation DomainError (400) listing every collected error, if any. */
  throwIfAny(message: string): void {
    if (this.errors.length > 0) throw validationError(message, this.errors);
  }
}

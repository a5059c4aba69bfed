/**
 * One error family for the whole backend. Each code maps to exactly one HTTP status
 * in the API error middleware, so callers never translate errors themselves.
 */
export type ErrorCode = 'validation' | 'not_found' | 'conflict' | 'business_rule';

export interface FieldError {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Stable machine name of the rule or check that refused, e.g. `bnpl_minimum_total`. */
    readonly rule?: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Malformed input (HTTP 400). */
export const validationError = (message: string, errors?: FieldError[]) =>
  new DomainError('validation', message, 'validation', errors);

/** The thing addressed does not exist (HTTP 404). */
export const notFound = (message: string) => new DomainError('not_found', message, 'not_found');

/** Conflicts with what exists, e.g. a duplicate id (HTTP 409). */
export const conflict = (message: string, rule = 'conflict') => new DomainError('conflict', message, rule);

/** Well-formed but refused by a business rule (HTTP 422). */
export const ruleBroken = (rule: string, message: string) => new DomainError('business_rule', message, rule);

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;

import type { ParsedUrlQuery } from 'node:querystring';
import { validationError } from '../domain/errors.ts';
import { FieldErrors } from '../domain/validation.ts';

export const defaultPageSize = 20;
export const maxPageSize = 100;

// PostgreSQL text cannot hold NUL, and no id or filter of ours has control characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const controlCharacters = /[\u0000-\u001f\u007f]/;

/**
 * Typed access to a query string. Every problem is collected, then reported at once as a 400 with
 * field errors, so no malformed value reaches a read-model query. Unknown parameter names are
 * ignored (cache busters are common); unknown values of known parameters are refused.
 */
export interface QueryParams {
  optionalString(name: string, maxLength?: number): string | undefined;
  optionalOneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined;
  /** `limit`: 1..maxPageSize, `defaultPageSize` when absent. */
  pageSize(name?: string): number;
}

export const readQuery = <T>(query: ParsedUrlQuery, read: (params: QueryParams) => T): T => {
  const problems = new FieldErrors();

  const single = (name: string): string | undefined => {
    const value = query[name];
    if (Array.isArray(value)) {
      problems.check(false, name, 'must be given once');
      return undefined;
    }
    return value;
  };

  const optionalString = (name: string, maxLength = 200): string | undefined => {
    const value = single(name);
    if (value === undefined) return undefined;
    if (value.trim() === '') problems.check(false, name, 'must not be empty');
    else if (value.length > maxLength) problems.check(false, name, `must be at most ${maxLength} characters`);
    else if (controlCharacters.test(value)) problems.check(false, name, 'must not contain control characters');
    else return value;
    return undefined;
  };

  const result = read({
    optionalString,
    optionalOneOf: <V extends string>(name: string, allowed: readonly V[]) => {
      const value = optionalString(name);
      if (value === undefined) return undefined;
      if ((allowed as readonly string[]).includes(value)) return value as V;
      problems.check(false, name, `must be one of ${allowed.join(', ')}`);
      return undefined;
    },
    pageSize: (name = 'limit') => {
      const value = optionalString(name, 20);
      if (value === undefined) return defaultPageSize;
      const size = /^\d+$/.test(value) ? Number(value) : Number.NaN;
      if (size >= 1 && size <= maxPageSize) return size;
      problems.check(false, name, `must be an integer from 1 to ${maxPageSize}`);
      return defaultPageSize;
    },
  });
  problems.throwIfAny('the query parameters are not well formed');
  return result;
};

/** A route parameter that names a resource: non-empty, bounded, so it can be looked up safely. */
export const pathParam = (value: string | undefined, name: string, maxLength = 200): string => {
  if (value === undefined || value.trim() === '' || value.length > maxLength) {
    throw validationError('the path is not well formed', [
      { field: name, message: `must be 1 to ${maxLength} characters` },
    ]);
  }
  if (controlCharacters.test(value)) {
    throw validationError('the path is not well formed', [
      { field: name, message: 'must not contain control characters' },
    ]);
  }
  return value;
};

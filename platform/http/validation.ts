import type { z } from 'zod';
import { type FieldError, validationError } from '../../domain/errors.ts';

/** `items[0].sku` from zod's `['items', 0, 'sku']`: the names the APIs have always used in field errors. */
export const fieldName = (path: readonly PropertyKey[], prefix = ''): string =>
  path.reduce<string>((name, key) => {
    if (typeof key === 'number') return `${name}[${key}]`;
    return name === '' ? String(key) : `${name}.${String(key)}`;
  }, prefix);

/** One error per field, the first zod found: a field that is not a string need not also hear it is too long. */
export const fieldErrorsOf = (error: z.ZodError, prefix = ''): FieldError[] => {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const issue of error.issues) {
    const field = fieldName(issue.path, prefix) || 'body';
    if (seen.has(field)) continue;
    seen.add(field);
    errors.push({ field, message: issue.message });
  }
  return errors;
};

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Runs `schema` on `value`; field errors instead of a throw, so several parts of a request report together. */
export const check = <S extends z.ZodType>(schema: S, value: unknown, prefix = ''): Checked<z.output<S>> => {
  const result = schema.safeParse(value);
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: fieldErrorsOf(result.error, prefix) };
};

/** The parsed value, or a validation error (HTTP 400) listing every field problem. */
export const parseOrRefuse = <S extends z.ZodType>(
  schema: S,
  value: unknown,
  detail = 'the request is not well formed',
): z.output<S> => {
  const checked = check(schema, value);
  if (!checked.ok) throw validationError(detail, checked.errors);
  return checked.value;
};

import { type FieldError, validationError } from '../../domain/errors.ts';
import { isRecord } from '../../domain/validation.ts';

/**
 * Shape checks of a request: types and lengths only, so no malformed value reaches a stream id
 * or a decider. Ranges and business rules stay in the domain. Every problem is collected, then
 * reported at once as a 400 with field-level errors.
 */
export interface Fields {
  string(key: string, maxLength?: number): string;
  optionalString(key: string, maxLength?: number): string | undefined;
  integer(key: string): number;
  optionalInteger(key: string): number | undefined;
  /** A list of objects, each read in turn through its own `Fields` named `key[i]`. */
  list<T>(key: string, read: (item: Fields) => T): T[];
}

export const defaultMaxLength = 64;

export const readFields = <T>(body: unknown, read: (fields: Fields) => T): T => {
  const errors: FieldError[] = [];
  // No body at all reads as `{}`, so the caller learns which fields are required.
  if (body === undefined) return readFields({}, read);
  if (!isRecord(body)) {
    throw validationError('the request body must be a JSON object', [
      { field: 'body', message: 'must be a JSON object' },
    ]);
  }
  const result = read(objectFields(body, '', errors));
  if (errors.length > 0) throw validationError('the request is not well formed', errors);
  return result;
};

const objectFields = (source: Record<string, unknown>, prefix: string, errors: FieldError[]): Fields => {
  const name = (key: string) => `${prefix}${key}`;
  const refuse = (key: string, message: string) => errors.push({ field: name(key), message });

  const optionalString = (key: string, maxLength = defaultMaxLength): string | undefined => {
    const value = source[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || value.trim() === '') refuse(key, 'must be a non-empty string');
    else if (value.length > maxLength) refuse(key, `must be at most ${maxLength} characters`);
    else return value;
    return '';
  };
  const optionalInteger = (key: string): number | undefined => {
    const value = source[key];
    if (value === undefined || value === null) return undefined;
    if (Number.isSafeInteger(value)) return value as number;
    refuse(key, 'must be an integer');
    return 0;
  };

  return {
    optionalString,
    optionalInteger,
    string: (key, maxLength) => {
      const value = optionalString(key, maxLength);
      if (value === undefined) refuse(key, 'is required');
      return value ?? '';
    },
    integer: (key) => {
      const value = optionalInteger(key);
      if (value === undefined) refuse(key, 'is required');
      return value ?? 0;
    },
    list: (key, read) => {
      const value = source[key];
      if (!Array.isArray(value)) {
        refuse(key, 'must be an array');
        return [];
      }
      return value.map((item: unknown, index) => {
        const at = `${key}[${index}]`;
        if (isRecord(item)) return read(objectFields(item, `${name(at)}.`, errors));
        refuse(at, 'must be an object');
        return read(objectFields({}, `${name(at)}.`, []));
      });
    },
  };
};

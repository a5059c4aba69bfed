import { z } from 'zod';

/**
 * Building blocks of the request schemas of both APIs. Each carries the field messages the APIs have
 * always answered with (docs/command-api.md), so a schema reads like the contract. Text fields refuse
 * what PostgreSQL, Avro and JSON consumers cannot carry faithfully: NUL and other control characters,
 * and unpaired UTF-16 surrogates.
 */

const absent = (input: unknown) => input === undefined || input === null;

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const controlCharacters = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const anyControlCharacter = /[\u0000-\u001f\u007f]/;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const noControlCharacters = 'must not contain control characters';
export const noLoneSurrogates = 'must not contain unpaired surrogate characters';

const printable = (schema: z.ZodString, { multiline }: { multiline: boolean }) =>
  schema
    .refine((value) => !(multiline ? controlCharacters : anyControlCharacter).test(value), noControlCharacters)
    .refine((value) => !loneSurrogate.test(value), noLoneSurrogates);

/** A required string: non-blank, at most `maxLength` characters, one line of printable text. */
export const text = (maxLength = 64, { multiline = false } = {}) =>
  printable(
    z
      .string({ error: (issue) => (absent(issue.input) ? 'is required' : 'must be a non-empty string') })
      .refine((value) => value.trim() !== '', 'must be a non-empty string')
      .max(maxLength, `must be at most ${maxLength} characters`),
    { multiline },
  );

/** Like `text`, but absent (or `null`) is allowed; callers read both as "not given". */
export const optionalText = (maxLength = 64, options: { multiline?: boolean } = {}) =>
  text(maxLength, options).nullish();

/** A text matching `pattern`; `rule` says what it allows, e.g. `must be 1-64 of A-Z a-z 0-9 _ -`. */
export const identifier = (pattern: RegExp, rule: string, maxLength = 64) =>
  text(maxLength).regex(pattern, rule).meta({ pattern: pattern.source });

/**
 * A required integer in `[min, max]`. `max` is never above what the event schemas carry: Avro `long`
 * as avsc encodes it holds at most 2^53 - 2, and sums of these values must stay below it too.
 */
export const integer = (min: number, max: number, rangeMessage = `must be ${min} to ${max}`) =>
  z
    .int({ error: (issue) => (absent(issue.input) ? 'is required' : 'must be an integer') })
    .min(min, rangeMessage)
    .max(max, rangeMessage);

/** A list of `item`, between `min` and `max` entries. */
export const list = <T extends z.ZodType>(
  item: T,
  min: number,
  max: number,
  rangeMessage: string,
  maxMessage = rangeMessage,
) => z.array(item, { error: 'must be an array' }).min(min, rangeMessage).max(max, maxMessage);

/** A JSON object of these fields; unknown fields are ignored. */
export const object = <Shape extends z.ZodRawShape>(shape: Shape) =>
  z.object(shape, { error: (issue) => (absent(issue.input) ? 'is required' : 'must be an object') });

/** One of `values`, reported with the list of allowed values. */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, {
    error: (issue) =>
      absent(issue.input)
        ? 'is required'
        : typeof issue.input === 'string' && issue.input.trim() !== ''
          ? `must be one of ${values.join(', ')}`
          : 'must be a non-empty string',
  });

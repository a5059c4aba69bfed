import { z } from 'zod';
import { noControlCharacters, noLoneSurrogates } from './fields.ts';

/**
 * Building blocks of query-string and path schemas. A query value arrives as text (or a list when a
 * name repeats), so these read text, refuse repeats, and keep the messages the query API has always
 * given. Unknown parameter names are ignored (cache busters are common); unknown values are refused.
 */

export const defaultPageSize = 20;
export const maxPageSize = 100;

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const controlCharacters = /[\u0000-\u001f\u007f]/;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** An optional query parameter: given once, not blank, at most `maxLength` characters, printable. */
export const queryText = (maxLength = 200) =>
  z
    .string({ error: (issue) => (Array.isArray(issue.input) ? 'must be given once' : 'must be text') })
    .refine((value) => value.trim() !== '', 'must not be empty')
    .max(maxLength, `must be at most ${maxLength} characters`)
    .refine((value) => !controlCharacters.test(value), noControlCharacters)
    .refine((value) => !loneSurrogate.test(value), noLoneSurrogates)
    .optional();

/** An optional query parameter naming one of `values`. */
export const queryOneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .enum(values, {
      error: (issue) =>
        Array.isArray(issue.input)
          ? 'must be given once'
          : issue.input === ''
            ? 'must not be empty'
            : `must be one of ${values.join(', ')}`,
    })
    .optional();

/** `limit`: a plain integer from 1 to `maxPageSize`, `defaultPageSize` when absent. */
export const pageSize = () =>
  z
    .string({ error: (issue) => (Array.isArray(issue.input) ? 'must be given once' : 'must be text') })
    .regex(/^\d{1,20}$/, `must be an integer from 1 to ${maxPageSize}`)
    .transform(Number)
    .refine((size) => size >= 1 && size <= maxPageSize, `must be an integer from 1 to ${maxPageSize}`)
    .optional()
    .transform((size) => size ?? defaultPageSize)
    .meta({ description: `page size, ${defaultPageSize} when absent` });

/** A path segment naming a resource: 1 to `maxLength` characters, printable, so it can be looked up safely. */
export const pathSegment = (maxLength = 200) =>
  z
    .string()
    .refine((value) => value.trim() !== '' && value.length <= maxLength, `must be 1 to ${maxLength} characters`)
    .refine((value) => !controlCharacters.test(value), noControlCharacters)
    .refine((value) => !loneSurrogate.test(value), noLoneSurrogates)
    .meta({ minLength: 1, maxLength });

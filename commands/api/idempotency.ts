import { z } from 'zod';
import { keyedHash, keyedUuid } from '../../platform/data-key.ts';
import { object } from '../../platform/http/fields.ts';

/**
 * A client's `Idempotency-Key` decides the order id and the command id, so a repeated request
 * addresses the same stream with the same command and gets the earlier outcome. Keys belong to the
 * caller: the ids derive from the subject of the token and the key under the data key (HMAC), so two
 * callers with the same key never meet, and nobody without the key can compute another's order id.
 * The keyed hash of the canonical request travels in the event metadata to tell a true repeat from a
 * reused key.
 */
export const maxIdempotencyKeyLength = 200;

/** The header, when given: printable ASCII, 1..200 characters. */
export const idempotencyKeyHeaders = object({
  'Idempotency-Key': z
    .string()
    .regex(
      new RegExp(`^[\\x21-\\x7e]{1,${maxIdempotencyKeyLength}}$`),
      `must be 1 to ${maxIdempotencyKeyLength} printable ASCII characters`,
    )
    .optional()
    .meta({ description: 'Makes a retry safe: the same key and request give the same order' }),
});

const scoped = (purpose: string, subject: string, key: string) => JSON.stringify([purpose, subject, key]);

export const orderIdForKey = (dataKey: Buffer, subject: string, key: string): string =>
  keyedUuid(dataKey, scoped('order', subject, key));
export const placeOrderCommandIdForKey = (dataKey: Buffer, subject: string, key: string): string =>
  keyedUuid(dataKey, scoped('place-order', subject, key));

/** Keyed hash of the request in canonical JSON (keys sorted), so key order and spacing do not matter. */
export const requestHash = (dataKey: Buffer, request: unknown): string => keyedHash(dataKey, canonicalJson(request));

export const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value);
};

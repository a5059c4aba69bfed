import { createHash } from 'node:crypto';
import { z } from 'zod';
import { object } from '../../platform/http/fields.ts';

/**
 * A client's `Idempotency-Key` decides the order id and the command id, so a repeated request
 * addresses the same stream with the same command and gets the earlier outcome. The hash of the
 * canonical request travels in the event metadata to tell a true repeat from a reused key.
 */
const orderNamespace = 'b0c6a1f2-6f4e-4c52-9a57-3d1f0e2a7c11';

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

/** RFC 9562 version-5 UUID: SHA-1 of namespace and name, so the same name always gives the same id. */
export const nameBasedUuid = (name: string, namespace = orderNamespace): string => {
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

export const orderIdForKey = (key: string): string => nameBasedUuid(`order:${key}`);
export const placeOrderCommandIdForKey = (key: string): string => nameBasedUuid(`place-order:${key}`);

/** SHA-256 of the request in canonical JSON (keys sorted), so key order and spacing do not matter. */
export const requestHash = (request: unknown): string =>
  createHash('sha256').update(canonicalJson(request)).digest('hex');

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

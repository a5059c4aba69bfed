import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signatures in the style of the Standard Webhooks spec: the secret is `whsec_<base64 key>`, and
 * `Webhook-Signature: v1,<base64 HMAC-SHA256(key, "<Webhook-Id>.<Webhook-Timestamp>.<body>")>`.
 */
export const newWebhookSecret = (): string => `whsec_${randomBytes(24).toString('base64')}`;

const keyOf = (secret: string): Buffer => Buffer.from(secret.replace(/^whsec_/, ''), 'base64');

export interface SignedHeaders {
  'Webhook-Id': string;
  'Webhook-Timestamp': string;
  'Webhook-Signature': string;
}

export const signatureOf = (secret: string, id: string, timestamp: number, body: string): string =>
  `v1,${createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`;

/** The three headers of one attempt; `at` is the attempt's time, in whole seconds. */
export const signedHeaders = (secret: string, id: string, at: Date, body: string): SignedHeaders => {
  const timestamp = Math.floor(at.getTime() / 1000);
  return {
    'Webhook-Id': id,
    'Webhook-Timestamp': String(timestamp),
    'Webhook-Signature': signatureOf(secret, id, timestamp, body),
  };
};

/**
 * What a receiver does (docs/notifications.md shows the same in a few lines): any of the space-separated
 * `v1,` signatures matches, and the timestamp is within `toleranceSeconds` of now (replays refused).
 */
export const verifyWebhook = (
  secret: string,
  headers: { id: string; timestamp: string; signature: string },
  body: string,
  now: Date,
  toleranceSeconds = 300,
): boolean => {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureOf(secret, headers.id, timestamp, body));
  return headers.signature
    .split(' ')
    .map((candidate) => Buffer.from(candidate))
    .some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected));
};

import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * What the data key (`DATA_KEY`, or the local development key; deploy/auth-config.ts) does: seal values
 * that must not sit in events or Kafka records in clear (card and BNPL tokens), and derive ids and hashes
 * that nobody without the key can predict or test guesses against.
 */
export const sealedPrefix = 'sealed:v1:';

const algorithm = 'aes-256-gcm';

/** AES-256-GCM with a random 96-bit nonce: `sealed:v1:<nonce>.<ciphertext>.<tag>` (base64url). */
export const seal = (key: Buffer, text: string): string => {
  const nonce = randomBytes(12);
  const cipher = createCipheriv(algorithm, key, nonce);
  const sealed = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return `${sealedPrefix}${[nonce, sealed, cipher.getAuthTag()].map((part) => part.toString('base64url')).join('.')}`;
};

export const isSealed = (value: string): boolean => value.startsWith(sealedPrefix);

/** The clear text; throws when the value was sealed under another key or altered. */
export const unseal = (key: Buffer, value: string): string => {
  const [nonce, sealed, tag] = value
    .slice(sealedPrefix.length)
    .split('.')
    .map((part) => Buffer.from(part, 'base64url'));
  if (!isSealed(value) || !nonce || !sealed || !tag) throw new Error('not a sealed value');
  const decipher = createDecipheriv(algorithm, key, nonce);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed), decipher.final()]).toString('utf8');
};

/** HMAC-SHA256 of `name` under the key, hex. */
export const keyedHash = (key: Buffer, name: string): string =>
  createHmac('sha256', key).update(name, 'utf8').digest('hex');

/**
 * A UUID (version 8, RFC 9562's custom layout) from the HMAC of `name`: the same name always gives the
 * same id, and without the key no one can compute or guess it.
 */
export const keyedUuid = (key: Buffer, name: string): string => {
  const bytes = createHmac('sha256', key).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

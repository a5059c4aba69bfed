import { randomBytes } from 'node:crypto';

/** A name no other test (or parallel run) uses: for streams, topics, schemas, key prefixes. */
export const uniqueName = (prefix: string): string =>
  `${prefix}_${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;

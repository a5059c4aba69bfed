/**
 * Read-your-writes: a command answer names the last event it wrote (stream and version); a query
 * that presents the token waits until its read model reflects that version of that stream.
 * Opaque to clients: base64url of `<streamId>@<version>`.
 */
export interface ConsistencyPoint {
  streamId: string;
  version: number;
}

export const encodeConsistencyToken = ({ streamId, version }: ConsistencyPoint): string =>
  Buffer.from(`${streamId}@${version}`, 'utf8').toString('base64url');

/**
 * The highest version a token may name: 2^31 - 1 events in one stream (an inventory stream taking
 * 1,000 orders a second would need 68 years). A larger one was not issued by us, and waiting for it
 * would only hold the request for the whole consistency wait.
 */
export const maxTokenVersion = 2_147_483_647;

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const unprintable = /[\u0000-\u001f\u007f]/;

/** `undefined` for anything that is not a token this backend issued. */
export const decodeConsistencyToken = (token: string): ConsistencyPoint | undefined => {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(token)) return undefined;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const at = text.lastIndexOf('@');
  if (at <= 0) return undefined;
  const streamId = text.slice(0, at);
  const digits = text.slice(at + 1);
  if (!/^\d{1,10}$/.test(digits) || unprintable.test(streamId)) return undefined;
  const version = Number(digits);
  if (version > maxTokenVersion) return undefined;
  return { streamId, version };
};

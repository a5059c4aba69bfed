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

/** `undefined` for anything that is not a token this backend issued. */
export const decodeConsistencyToken = (token: string): ConsistencyPoint | undefined => {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(token)) return undefined;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const at = text.lastIndexOf('@');
  if (at <= 0) return undefined;
  const version = Number(text.slice(at + 1));
  if (!Number.isSafeInteger(version) || version < 0 || !/^\d+$/.test(text.slice(at + 1))) return undefined;
  return { streamId: text.slice(0, at), version };
};

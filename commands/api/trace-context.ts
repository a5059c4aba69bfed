import { randomBytes } from 'node:crypto';

const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const allZeros = /^0+$/;

/**
 * The W3C `traceparent` to record on the events a request produces: the caller's trace continues
 * with a span of our own; without a valid header a new trace starts.
 */
export const traceparentFor = (incoming: string | undefined): string => {
  const match = traceparentPattern.exec(incoming?.trim().toLowerCase() ?? '');
  const [, traceId, parentId, flags] = match ?? [];
  const span = randomBytes(8).toString('hex');
  if (traceId && parentId && flags && !allZeros.test(traceId) && !allZeros.test(parentId)) {
    return `00-${traceId}-${span}-${flags}`;
  }
  return `00-${randomBytes(16).toString('hex')}-${span}-01`;
};

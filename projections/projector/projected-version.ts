import { inventoryVersion } from '../inventory/inventory-queries.ts';
import { orderVersion } from '../orders/order-queries.ts';
import { paymentVersion } from '../payments/payment-queries.ts';
import { sagaVersion } from '../sagas/saga-queries.ts';
import type { Queryable } from './projection.ts';

const versionReaders: [prefix: string, read: (db: Queryable, id: string) => Promise<number | undefined>][] = [
  ['order-', orderVersion],
  ['inventory-', inventoryVersion],
  ['payment-', paymentVersion],
  ['saga-', sagaVersion],
];

/**
 * The version of a stream its PostgreSQL read model reflects, for read-your-writes waits on a
 * consistency token. `undefined` while the read model holds nothing of the stream, and for streams
 * no read model follows (points, coupons): a wait on those runs out and answers as stale.
 */
export const projectedVersion = async (db: Queryable, streamId: string): Promise<number | undefined> => {
  for (const [prefix, read] of versionReaders) {
    if (streamId.startsWith(prefix) && streamId.length > prefix.length) return read(db, streamId.slice(prefix.length));
  }
  return undefined;
};

/** The name the brief uses for it. */
export const readModelVersion = projectedVersion;

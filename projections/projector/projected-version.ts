import { inventoryVersion } from '../inventory/inventory-queries.ts';
import { orderVersion } from '../orders/order-queries.ts';
import { paymentVersion } from '../payments/payment-queries.ts';
import { sagaVersion } from '../sagas/saga-queries.ts';
import type { Queryable } from './projection.ts';

type VersionReader = (db: Queryable, id: string) => Promise<number | undefined>;

const versionReaders: [prefix: string, read: VersionReader][] = [
  ['order-', orderVersion],
  ['inventory-', inventoryVersion],
  ['payment-', paymentVersion],
  ['saga-', sagaVersion],
];

const readerOf = (streamId: string): { read: VersionReader; id: string } | undefined => {
  for (const [prefix, read] of versionReaders) {
    if (streamId.startsWith(prefix) && streamId.length > prefix.length)
      return { read, id: streamId.slice(prefix.length) };
  }
  return undefined;
};

/**
 * Whether some PostgreSQL read model follows the stream. A consistency token naming any other stream
 * (points, coupons: shown nowhere) has nothing to wait for, so a query answers at once instead of
 * running out the wait.
 */
export const isProjectedStream = (streamId: string): boolean => readerOf(streamId) !== undefined;

/**
 * The version of a stream its PostgreSQL read model reflects, for read-your-writes waits on a
 * consistency token. `undefined` while the read model holds nothing of the stream, and for streams
 * no read model follows (tell those apart with `isProjectedStream`).
 */
export const projectedVersion = async (db: Queryable, streamId: string): Promise<number | undefined> => {
  const reader = readerOf(streamId);
  return reader ? reader.read(db, reader.id) : undefined;
};

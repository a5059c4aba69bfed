/**
 * The streams some read model of this API reflects, by id prefix. Mirrors the readers of
 * `projections/projector/projected-version.ts`; a token naming any other stream (points, coupons:
 * shown nowhere) has nothing to wait for, so the query answers at once instead of running out the wait.
 */
const projectedStreamPrefixes = ['order-', 'inventory-', 'payment-', 'saga-'];

export const isProjectedStream = (streamId: string): boolean =>
  projectedStreamPrefixes.some((prefix) => streamId.startsWith(prefix) && streamId.length > prefix.length);

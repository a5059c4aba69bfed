/**
 * Stream ids of every aggregate instance. The id is also the Kafka record key, so all events of
 * one instance land in one partition and keep their order.
 */
export type AggregateName = 'order' | 'inventory' | 'payment' | 'points' | 'coupon';

export const aggregateNames: readonly AggregateName[] = ['order', 'inventory', 'payment', 'points', 'coupon'];

export const orderStreamId = (orderId: string): string => `order-${orderId}`;
export const inventoryStreamId = (sku: string): string => `inventory-${sku}`;
export const paymentStreamId = (orderId: string): string => `payment-${orderId}`;
export const pointsStreamId = (customerId: string): string => `points-${customerId}`;
export const couponStreamId = (code: string): string => `coupon-${code}`;

export interface ParsedStreamId {
  aggregate: AggregateName;
  /** The order id, SKU, customer id or coupon code the stream belongs to. */
  id: string;
}

/** Splits `order-o1` into `{ aggregate: 'order', id: 'o1' }`; undefined for a stream of no aggregate. */
export const parseStreamId = (streamId: string): ParsedStreamId | undefined => {
  const dash = streamId.indexOf('-');
  if (dash <= 0 || dash === streamId.length - 1) return undefined;
  const prefix = streamId.slice(0, dash);
  const aggregate = aggregateNames.find((name) => name === prefix);
  return aggregate ? { aggregate, id: streamId.slice(dash + 1) } : undefined;
};

/**
 * Every Redis key and channel of the dashboard read model, under one prefix (`REDIS_KEY_PREFIX`,
 * default `orders:`) so environments and tests never share keys.
 */
export const dashboardKeys = (prefix: string) => ({
  /** Hash `{status, version, updatedAt}`: the order-status cache. */
  order: (orderId: string) => `${prefix}order:${orderId}`,
  /** Hash `{status, phase, version, updatedAt}`. */
  saga: (orderId: string) => `${prefix}saga:${orderId}`,
  /** Hash status -> number of orders. */
  ordersByStatus: `${prefix}counters:orders-by-status`,
  /** Hash state -> number of sagas. */
  sagasByState: `${prefix}counters:sagas-by-state`,
  /** Counter of orders placed in one UTC minute (`2024-05-01T12:34`), expiring. */
  ordersPerMinute: (minute: string) => `${prefix}orders-per-minute:${minute}`,
  /** Sorted set sku -> units sold (committed minus returned). */
  topSkus: `${prefix}top-skus`,
  /** Hash `{state, version}`: whether this order's units of this SKU are counted as sold. SKUs hold no colon. */
  sold: (sku: string, orderId: string) => `${prefix}sold:${sku}:${orderId}`,
  /** Hash `<topic>:<partition>` -> `recordedAt` of the last event applied. */
  lastEvent: `${prefix}dashboard:last-event`,
  /** Pub/sub channel: one small message after each applied batch (the query API relays it over SSE). */
  changes: `${prefix}changes`,
});

export type DashboardKeys = ReturnType<typeof dashboardKeys>;

/** The UTC minute of an instant, as used in `ordersPerMinute` keys. */
export const minuteOf = (instant: string | Date): string => new Date(instant).toISOString().slice(0, 16);

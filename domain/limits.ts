/**
 * The bounds of every identifier, count and amount the backend accepts. They are chosen so that every
 * value and every sum the deciders compute (an order total, a stock level, a points balance) stays far
 * below what the event schemas carry: Avro `long` as avsc encodes it holds at most 2^53 - 2, and JSON
 * readers lose precision beyond 2^53 - 1. The request schemas enforce the bounds of single values at
 * the edge (400); the deciders enforce the ones that depend on state (422).
 */

export const skuPattern = /^[A-Za-z0-9._-]{1,64}$/;
export const couponCodePattern = /^[A-Za-z0-9_-]{1,64}$/;

export const maxOrderLines = 50;
export const maxLineQuantity = 999;

/** Minor units: 10,000,000.00 EUR for one unit. */
export const maxUnitPrice = 1_000_000_000;
/** The largest total an order can reach (about 5 * 10^13), and so the largest payment part or coupon. */
export const maxOrderTotal = maxOrderLines * maxLineQuantity * maxUnitPrice;

/** Units of one SKU on hand, at registration and after any restock. */
export const maxStockLevel = 1_000_000_000;
export const maxRestockQuantity = 1_000_000;
export const maxReservationQuantity = 1_000_000;

export const maxPointsGrant = 10_000_000;
/** A customer's balance: grants stop there, so it never outgrows the schemas. */
export const maxPointsBalance = 1_000_000_000_000;

/** One slice of an order's payment. Amounts are integer minor units. */
export const paymentMethods = ['card', 'bnpl', 'points', 'coupon'] as const;

export type PaymentMethod = (typeof paymentMethods)[number];

/** Methods an outside gateway authorizes; points and coupons are settled by their own aggregates. */
export type GatewayMethod = 'card' | 'bnpl';

export interface PaymentPart {
  method: PaymentMethod;
  amount: number;
  /** Gateway token; present exactly for card and BNPL parts. */
  token?: string;
  /** Present exactly for coupon parts. */
  couponCode?: string;
}

export const isPaymentMethod = (value: unknown): value is PaymentMethod =>
  paymentMethods.some((method) => method === value);

export const isGatewayMethod = (method: PaymentMethod): method is GatewayMethod =>
  method === 'card' || method === 'bnpl';

/** The part the gateway authorizes. The plan rules allow at most one (BNPL alone or one card). */
export const gatewayPartOf = (
  parts: readonly PaymentPart[],
): (PaymentPart & { method: GatewayMethod; token: string }) | undefined =>
  parts.find((part): part is PaymentPart & { method: GatewayMethod; token: string } => isGatewayMethod(part.method));

/**
 * Keeps only the fields a part of this method carries, so events never hold stray input
 * (a token on a points part, an explicit `undefined`).
 */
export const normalizePaymentPart = (part: PaymentPart): PaymentPart => {
  const base = { method: part.method, amount: part.amount };
  if (isGatewayMethod(part.method)) return { ...base, token: part.token as string };
  if (part.method === 'coupon') return { ...base, couponCode: part.couponCode as string };
  return base;
};

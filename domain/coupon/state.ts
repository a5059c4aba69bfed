export interface CouponRedemption {
  orderId: string;
  amount: number;
}

export type CouponState =
  | { status: 'Empty' }
  | { status: 'Created'; code: string; amount: number; redemption?: CouponRedemption };

export const initialCouponState = (): CouponState => ({ status: 'Empty' });

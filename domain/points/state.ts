export interface OrderSpend {
  amount: number;
  refunded: boolean;
}

/** A customer without any points event simply has a balance of 0. */
export interface PointsState {
  balance: number;
  /** Every order that spent points, kept so a repeated spend or refund changes nothing. */
  spends: ReadonlyMap<string, OrderSpend>;
}

export const initialPointsState = (): PointsState => ({ balance: 0, spends: new Map() });

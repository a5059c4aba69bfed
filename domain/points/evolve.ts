import { assertNever } from '../decider.ts';
import type { PointsEvent } from './events.ts';
import type { PointsState } from './state.ts';

export const evolvePoints = (state: PointsState, event: PointsEvent): PointsState => {
  switch (event.type) {
    case 'PointsGranted':
      return { ...state, balance: event.data.balance };
    case 'PointsSpent':
      return {
        balance: event.data.balance,
        spends: new Map(state.spends).set(event.data.orderId, { amount: event.data.amount, refunded: false }),
      };
    case 'PointsRefunded':
      return {
        balance: event.data.balance,
        spends: new Map(state.spends).set(event.data.orderId, { amount: event.data.amount, refunded: true }),
      };
    default:
      return assertNever(event);
  }
};

import { assertNever } from '../decider.ts';
import type { OrderEvent } from './events.ts';
import type { OrderState } from './state.ts';

export const evolveOrder = (state: OrderState, event: OrderEvent): OrderState => {
  switch (event.type) {
    case 'OrderPlaced':
      return { status: 'Pending', order: event.data };
    case 'OrderConfirmed':
      if (state.status !== 'Pending') return state;
      return { status: 'Confirmed', order: state.order, confirmedAt: event.data.confirmedAt };
    case 'OrderCancelled':
      if (state.status === 'Empty') return state;
      return {
        status: 'Cancelled',
        order: state.order,
        reason: event.data.reason,
        previousStatus: event.data.previousStatus,
        cancelledAt: event.data.cancelledAt,
      };
    default:
      return assertNever(event);
  }
};

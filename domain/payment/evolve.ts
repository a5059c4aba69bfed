import { assertNever } from '../decider.ts';
import type { PaymentEvent } from './events.ts';
import type { PaymentState } from './state.ts';

export const evolvePayment = (state: PaymentState, event: PaymentEvent): PaymentState => {
  if (event.type === 'PaymentRequested') return { status: 'Requested', payment: event.data };
  if (state.status === 'Empty') return state;
  const { payment } = state;
  switch (event.type) {
    case 'PaymentAuthorized':
      return { status: 'Authorized', payment, authorizationId: event.data.authorizationId };
    case 'PaymentDeclined':
      return { status: 'Declined', payment, reason: event.data.reason };
    case 'PaymentCaptured':
      return { status: 'Captured', payment, authorizationId: event.data.authorizationId };
    case 'PaymentVoided':
      return { status: 'Voided', payment, reason: event.data.reason };
    case 'PaymentRefunded':
      return { status: 'Refunded', payment, authorizationId: event.data.authorizationId };
    default:
      return assertNever(event);
  }
};

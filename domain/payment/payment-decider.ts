import type { Decider } from '../decider.ts';
import type { PaymentCommand } from './commands.ts';
import { decidePayment } from './decide.ts';
import type { PaymentEvent } from './events.ts';
import { evolvePayment } from './evolve.ts';
import { initialPaymentState, type PaymentState } from './state.ts';

export const paymentDecider: Decider<PaymentState, PaymentCommand, PaymentEvent> = {
  decide: decidePayment,
  evolve: evolvePayment,
  initialState: initialPaymentState,
};

import type { Decider } from '../decider.ts';
import { createSagaDecide } from './decide.ts';
import type { SagaEvent } from './events.ts';
import { evolveSaga } from './evolve.ts';
import type { SagaInput } from './inputs.ts';
import { defaultSagaOptions, type SagaOptions } from './options.ts';
import { initialSagaState, type SagaState } from './state.ts';

export type SagaDecider = Decider<SagaState, SagaInput, SagaEvent>;

/**
 * The order saga as a decider over stream `saga-<orderId>`: inputs in, saga events out. Pure; the
 * runner feeds it through the generic command handler.
 */
export const createSagaDecider = (options: Partial<SagaOptions> = {}): SagaDecider => ({
  decide: createSagaDecide({ ...defaultSagaOptions, ...options }),
  evolve: evolveSaga,
  initialState: initialSagaState,
});

export const sagaDecider: SagaDecider = createSagaDecider();

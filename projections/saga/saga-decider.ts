import type { Decider } from '../../domain/decider.ts';
import { createSagaDecide } from './saga-decide.ts';
import type { SagaEvent } from './saga-events.ts';
import { evolveSaga } from './saga-evolve.ts';
import type { SagaInput } from './saga-inputs.ts';
import { defaultSagaOptions, type SagaOptions } from './saga-options.ts';
import { initialSagaState, type SagaState } from './saga-state.ts';

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

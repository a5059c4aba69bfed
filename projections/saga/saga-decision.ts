import { validationError } from '../../domain/errors.ts';
import type { SagaEvent } from './saga-events.ts';
import { evolveStartedSaga } from './saga-evolve.ts';
import type { SagaOptions } from './saga-options.ts';
import type { StartedSaga } from './saga-state.ts';

/**
 * One decision in progress: the events emitted so far and the saga as they leave it, so each rule
 * looks at the state the earlier rules of the same decision produced.
 */
export interface Decision {
  readonly now: string;
  readonly options: SagaOptions;
  readonly saga: StartedSaga;
  readonly events: readonly SagaEvent[];
  emit(event: SagaEvent): void;
}

export const createDecision = (saga: StartedSaga, now: string, options: SagaOptions): Decision => {
  let current = saga;
  const events: SagaEvent[] = [];
  return {
    now,
    options,
    get saga() {
      return current;
    },
    events,
    emit(event) {
      events.push(event);
      current = evolveStartedSaga(current, event);
    },
  };
};

/** The decision's clock; a malformed `metadata.now` is the caller's bug, answered with 400. */
export const assertInstant = (now: string): void => {
  if (typeof now !== 'string' || Number.isNaN(Date.parse(now))) {
    throw validationError(`not an ISO instant: ${String(now)}`, [
      { field: 'metadata.now', message: 'must be an ISO-8601 instant' },
    ]);
  }
};

export const instantAfter = (now: string, milliseconds: number): string =>
  new Date(Date.parse(now) + milliseconds).toISOString();

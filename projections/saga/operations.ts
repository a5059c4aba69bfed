import { randomUUID } from 'node:crypto';
import { type CommandOutcome, handleCommand, readState } from '../../commands/command-handler.ts';
import type { EventStore } from '../../commands/event-store/event-store.ts';
import { type SagaDecider, sagaDecider } from '../../domain/order-saga/decider.ts';
import { sagaStreamId } from '../../domain/order-saga/ids.ts';
import type { SagaInput } from '../../domain/order-saga/inputs.ts';
import type { SagaState } from '../../domain/order-saga/state.ts';

/**
 * Every write to a saga goes through here: an input decided by the saga's decider and appended to
 * `saga-<orderId>` under the input's command id, so an input fed twice is appended once.
 */
export interface SagaStoreDependencies {
  store: EventStore;
  /** Built with the deployment's options (`createSagaDecider(sagaOptionsOf(config))`); defaults otherwise. */
  decider?: SagaDecider;
  /** Attempts on a version conflict (the input consumer, the dispatcher and the poller write concurrently). */
  retries?: number;
}

export const feedSaga = (
  { store, decider = sagaDecider, retries }: SagaStoreDependencies,
  orderId: string,
  input: SagaInput,
): Promise<CommandOutcome> =>
  handleCommand({
    store,
    decider,
    streamId: sagaStreamId(orderId),
    command: input,
    ...(retries === undefined ? {} : { retries }),
  });

/** The saga of an order as its events leave it (`not_started` when there is none). */
export const loadSaga = (store: EventStore, orderId: string, decider: SagaDecider = sagaDecider): Promise<SagaState> =>
  readState(store, decider, sagaStreamId(orderId));

export interface OperatorRequest extends SagaStoreDependencies {
  orderId: string;
  now: Date;
  /** Names the request in the saga stream; a new one per request, so a second retry is not taken for the first. */
  requestId?: string;
}

const operatorMetadata = (prefix: string, { orderId, now, requestId = randomUUID() }: OperatorRequest) => ({
  commandId: `${prefix}:${requestId}`,
  now: now.toISOString(),
  correlationId: orderId,
  causationId: `operator:${requestId}`,
});

/**
 * Gives every stuck step of the saga another attempt. Throws `not_found` when the order has no saga and
 * `saga_not_stuck` (422) when it is not stuck.
 */
export const retrySaga = (request: OperatorRequest): Promise<CommandOutcome> =>
  feedSaga(request, request.orderId, {
    type: 'RetryRequested',
    data: {},
    metadata: operatorMetadata('retry', request),
  });

/**
 * Gives up on the order: undo what was done and cancel it. Throws `not_found`, `saga_already_finished`,
 * `saga_already_compensating` or `order_confirmed` (the customer cancels a confirmed order, not an operator).
 */
export const compensateSaga = (request: OperatorRequest & { reason: string }): Promise<CommandOutcome> =>
  feedSaga(request, request.orderId, {
    type: 'CompensationRequested',
    data: { reason: request.reason },
    metadata: operatorMetadata('compensate', request),
  });

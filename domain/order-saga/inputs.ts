import type { DomainEvent } from '../domain-event.ts';
import type {
  ReservationCommitted,
  StockReleased,
  StockReservationRejected,
  StockReserved,
  StockReturned,
} from '../inventory/events.ts';
import type { Command, CommandMetadata, Event } from '../message.ts';
import type { OrderCancelled, OrderConfirmed, OrderPlaced } from '../order/events.ts';
import type {
  PaymentAuthorized,
  PaymentCaptured,
  PaymentDeclined,
  PaymentRefunded,
  PaymentVoided,
} from '../payment/events.ts';

/**
 * What the saga decides on: domain events it observed (same type and data as the aggregate's event),
 * the outcome of a step the dispatcher executed, a deadline that came due, and operator requests.
 * `metadata.now` is the clock; `metadata.commandId` is chosen by the runner.
 */
type Observed<E extends Event> = Command<E['type'], E['data']>;

export type ObservedDomainEvent =
  | OrderPlaced
  | OrderConfirmed
  | OrderCancelled
  | StockReserved
  | StockReservationRejected
  | StockReleased
  | ReservationCommitted
  | StockReturned
  | PaymentAuthorized
  | PaymentDeclined
  | PaymentCaptured
  | PaymentVoided
  | PaymentRefunded;

type ObservedInput<E extends ObservedDomainEvent> = E extends ObservedDomainEvent ? Observed<E> : never;

/** A domain event as a saga input: its type and data unchanged, with command metadata. */
export type ObservedSagaInput = ObservedInput<ObservedDomainEvent>;

export type StepSucceeded = Command<'StepSucceeded', { stepId: string }>;
export type StepFailed = Command<
  'StepFailed',
  {
    stepId: string;
    error: string;
    /** The DomainError rule, when the command was refused by one. */
    rule?: string;
    /** Another attempt may succeed (a timeout, a connection lost); a refusal never is. */
    transient: boolean;
  }
>;
/**
 * What became of one attempt, as the runner that executed it reports it: a success comes with the domain
 * events the step's commands recorded (or found recorded, when the step ran before), so the saga learns
 * what the step caused without waiting for those events to come round through Kafka.
 */
export type StepReport =
  | { stepId: string; ok: true; events: ObservedDomainEvent[] }
  | { stepId: string; ok: false; error: string; rule?: string; transient: boolean };
/** The reports of the steps one decision scheduled, recorded together with what the saga decides next. */
export type StepsExecuted = Command<'StepsExecuted', { reports: StepReport[] }>;
export type DeadlineReached = Command<'DeadlineReached', { deadlineId: string }>;
/** An operator resumes a stuck saga: the stuck steps get another attempt. */
export type RetryRequested = Command<'RetryRequested', Record<string, never>>;
/** An operator gives up on the order: undo what was done and cancel it. */
export type CompensationRequested = Command<'CompensationRequested', { reason: string }>;

export type SagaInput =
  | ObservedSagaInput
  | StepSucceeded
  | StepFailed
  | StepsExecuted
  | DeadlineReached
  | RetryRequested
  | CompensationRequested;

export type SagaInputType = SagaInput['type'];

const observedTypeSet: Record<ObservedDomainEvent['type'], true> = {
  OrderPlaced: true,
  OrderConfirmed: true,
  OrderCancelled: true,
  StockReserved: true,
  StockReservationRejected: true,
  StockReleased: true,
  ReservationCommitted: true,
  StockReturned: true,
  PaymentAuthorized: true,
  PaymentDeclined: true,
  PaymentCaptured: true,
  PaymentVoided: true,
  PaymentRefunded: true,
};

const inputTypeSet: Record<SagaInputType, true> = {
  ...observedTypeSet,
  StepSucceeded: true,
  StepFailed: true,
  StepsExecuted: true,
  DeadlineReached: true,
  RetryRequested: true,
  CompensationRequested: true,
};

/** The domain event types the saga reacts to; the runner subscribes to their topics. */
export const observedDomainEventTypes = Object.keys(observedTypeSet) as ObservedDomainEvent['type'][];

export const sagaInputTypes = Object.keys(inputTypeSet) as SagaInputType[];

export const isObservedDomainEvent = (event: DomainEvent): event is ObservedDomainEvent =>
  Object.hasOwn(observedTypeSet, event.type);

/**
 * The input for a domain event the saga reacts to, with the order it belongs to (the saga stream is
 * `saga-<orderId>`); undefined for an event the saga ignores (SkuRegistered, PointsSpent, ...).
 */
export const sagaInputOf = (
  event: DomainEvent,
  metadata: CommandMetadata,
): { orderId: string; input: SagaInput } | undefined => {
  if (!isObservedDomainEvent(event)) return undefined;
  return { orderId: event.data.orderId, input: { ...event, metadata } as SagaInput };
};

import type { DomainEventType } from '../domain/domain-event.ts';
import type { NotificationEvent } from '../domain/notification/events.ts';
import type { SagaEventType } from '../domain/order-saga/events.ts';
import type { AggregateName } from '../domain/streams.ts';
import { UnknownSchemaError } from './schema-errors.ts';

/**
 * The aggregates of `domain/` plus the saga and the notifier's deliveries, whose events go through the
 * same store, relay and schemas.
 */
export type CatalogAggregate = AggregateName | 'saga' | 'notification';

/** Every event type with a schema and a topic. */
export type CatalogedEventType = DomainEventType | SagaEventType | NotificationEvent['type'];

export interface EventCatalogEntry {
  aggregate: CatalogAggregate;
  /** The schema version writers use; `schemas/avro/<EventType>.v<latestVersion>.avsc` exists. */
  latestVersion: number;
  /** Kafka topic without prefix: one topic per aggregate type, keyed by stream id. */
  topic: string;
}

const topicBaseFor = (aggregate: CatalogAggregate): string => `${aggregate}-events`;

const entry = (aggregate: CatalogAggregate, latestVersion = 1): EventCatalogEntry => ({
  aggregate,
  latestVersion,
  topic: topicBaseFor(aggregate),
});

/** Every event type the deciders emit; the Record type makes a new event fail to compile until listed. */
export const eventCatalog: Readonly<Record<CatalogedEventType, EventCatalogEntry>> = {
  OrderPlaced: entry('order', 2),
  OrderConfirmed: entry('order'),
  OrderCancelled: entry('order'),
  SkuRegistered: entry('inventory'),
  StockRestocked: entry('inventory'),
  StockReserved: entry('inventory'),
  StockReservationRejected: entry('inventory'),
  StockReleased: entry('inventory'),
  ReservationCommitted: entry('inventory'),
  StockReturned: entry('inventory'),
  PaymentRequested: entry('payment'),
  PaymentAuthorized: entry('payment'),
  PaymentDeclined: entry('payment'),
  PaymentCaptured: entry('payment'),
  PaymentVoided: entry('payment'),
  PaymentRefunded: entry('payment'),
  PointsGranted: entry('points'),
  PointsSpent: entry('points'),
  PointsRefunded: entry('points'),
  CouponCreated: entry('coupon'),
  CouponRedeemed: entry('coupon'),
  CouponRestored: entry('coupon'),
  SagaStarted: entry('saga'),
  SagaStepScheduled: entry('saga'),
  SagaStepSucceeded: entry('saga'),
  SagaStepFailed: entry('saga'),
  SagaStepAbandoned: entry('saga'),
  SagaDeadlineSet: entry('saga'),
  SagaDeadlineCleared: entry('saga'),
  SagaCompensationStarted: entry('saga'),
  SagaCompleted: entry('saga'),
  SagaCompensated: entry('saga'),
  SagaStuck: entry('saga'),
  SagaResumed: entry('saga'),
  SagaLineReserved: entry('saga'),
  SagaLineRejected: entry('saga'),
  SagaLineReleased: entry('saga'),
  SagaLineCommitted: entry('saga'),
  SagaLineReturned: entry('saga'),
  SagaPaymentAuthorized: entry('saga'),
  SagaPaymentDeclined: entry('saga'),
  SagaPaymentCaptured: entry('saga'),
  SagaPaymentVoided: entry('saga'),
  SagaPaymentRefunded: entry('saga'),
  SagaOrderConfirmed: entry('saga'),
  SagaOrderCancelled: entry('saga'),
  NotificationSent: entry('notification'),
  NotificationFailed: entry('notification'),
};

export const isKnownEventType = (eventType: string): eventType is CatalogedEventType =>
  Object.hasOwn(eventCatalog, eventType);

export const catalogEntryOf = (eventType: string): EventCatalogEntry => {
  if (!isKnownEventType(eventType)) throw new UnknownSchemaError(eventType);
  return eventCatalog[eventType];
};

/** The topic of an aggregate's events; `prefix` is prepended verbatim (tests isolate with it). */
export const topicForAggregate = (aggregate: CatalogAggregate, prefix = ''): string =>
  `${prefix}${topicBaseFor(aggregate)}`;

/** The topic an event type is published to. Throws UnknownSchemaError for an unknown type. */
export const topicFor = (eventType: string, prefix = ''): string => `${prefix}${catalogEntryOf(eventType).topic}`;

/** The event topics, one per aggregate type (the five of `domain/`, `saga-events`, `notification-events`). */
export const allEventTopics = (prefix = ''): string[] => [
  ...new Set(Object.values(eventCatalog).map((entry) => `${prefix}${entry.topic}`)),
];

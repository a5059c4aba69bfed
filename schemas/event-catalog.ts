import type { DomainEventType } from '../domain/domain-event.ts';
import type { AggregateName } from '../domain/streams.ts';
import { UnknownSchemaError } from './schema-errors.ts';

export interface EventCatalogEntry {
  aggregate: AggregateName;
  /** The schema version writers use; `schemas/avro/<EventType>.v<latestVersion>.avsc` exists. */
  latestVersion: number;
  /** Kafka topic without prefix: one topic per aggregate type, keyed by stream id. */
  topic: string;
}

const topicBaseFor = (aggregate: AggregateName): string => `${aggregate}-events`;

const entry = (aggregate: AggregateName, latestVersion = 1): EventCatalogEntry => ({
  aggregate,
  latestVersion,
  topic: topicBaseFor(aggregate),
});

/** Every event type the deciders emit; the Record type makes a new event fail to compile until listed. */
export const eventCatalog: Readonly<Record<DomainEventType, EventCatalogEntry>> = {
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
};

export const isKnownEventType = (eventType: string): eventType is DomainEventType =>
  Object.hasOwn(eventCatalog, eventType);

export const catalogEntryOf = (eventType: string): EventCatalogEntry => {
  if (!isKnownEventType(eventType)) throw new UnknownSchemaError(eventType);
  return eventCatalog[eventType];
};

/** The topic of an aggregate's events; `prefix` is prepended verbatim (tests isolate with it). */
export const topicForAggregate = (aggregate: AggregateName, prefix = ''): string =>
  `${prefix}${topicBaseFor(aggregate)}`;

/** The topic an event type is published to. Throws UnknownSchemaError for an unknown type. */
export const topicFor = (eventType: string, prefix = ''): string => `${prefix}${catalogEntryOf(eventType).topic}`;

/** The five event topics, one per aggregate type. */
export const allEventTopics = (prefix = ''): string[] => [
  ...new Set(Object.values(eventCatalog).map((entry) => `${prefix}${entry.topic}`)),
];

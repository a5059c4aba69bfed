import { type CouponEvent, couponEventTypes } from './coupon/events.ts';
import { type InventoryEvent, inventoryEventTypes } from './inventory/events.ts';
import { type OrderEvent, orderEventTypes } from './order/events.ts';
import { type PaymentEvent, paymentEventTypes } from './payment/events.ts';
import { type PointsEvent, pointsEventTypes } from './points/events.ts';
import type { AggregateName } from './streams.ts';

/** Every event any aggregate emits. */
export type DomainEvent = OrderEvent | InventoryEvent | PaymentEvent | PointsEvent | CouponEvent;
export type DomainEventType = DomainEvent['type'];

export const eventTypesByAggregate: Record<AggregateName, readonly DomainEventType[]> = {
  order: orderEventTypes,
  inventory: inventoryEventTypes,
  payment: paymentEventTypes,
  points: pointsEventTypes,
  coupon: couponEventTypes,
};

export const domainEventTypes: readonly DomainEventType[] = Object.values(eventTypesByAggregate).flat();

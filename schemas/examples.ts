import { couponExampleEvents } from '../domain/coupon/coupon-examples.ts';
import type { DomainEvent } from '../domain/domain-event.ts';
import { inventoryExampleEvents } from '../domain/inventory/inventory-examples.ts';
import type { NotificationEvent } from '../domain/notification/events.ts';
import { notificationExampleEvents } from '../domain/notification/notification-examples.ts';
import { orderExampleEvents } from '../domain/order/order-examples.ts';
import type { SagaEvent } from '../domain/order-saga/events.ts';
import { sagaExampleEvents } from '../domain/order-saga/examples.ts';
import { paymentExampleEvents } from '../domain/payment/payment-examples.ts';
import { pointsExampleEvents } from '../domain/points/points-examples.ts';

/** Events produced by running example commands through every decider: what the schemas must carry. */
export const exampleEvents = (): (DomainEvent | SagaEvent | NotificationEvent)[] => [
  ...orderExampleEvents(),
  ...inventoryExampleEvents(),
  ...paymentExampleEvents(),
  ...pointsExampleEvents(),
  ...couponExampleEvents(),
  ...sagaExampleEvents(),
  ...notificationExampleEvents(),
];

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { domainEventTypes } from '../domain/domain-event.ts';
import { sagaEventTypes } from '../domain/order-saga/events.ts';
import { allEventTopics, isKnownEventType, topicFor } from './event-catalog.ts';
import { UnknownSchemaError } from './schema-errors.ts';

const catalog = suite('event catalog');

catalog('routes each event type to its aggregate topic', () => {
  assert.is(topicFor('OrderPlaced'), 'order-events');
  assert.is(topicFor('StockReservationRejected'), 'inventory-events');
  assert.is(topicFor('PaymentCaptured', 'test_x.'), 'test_x.payment-events');
  assert.is(topicFor('PointsSpent'), 'points-events');
  assert.is(topicFor('CouponRestored'), 'coupon-events');
  assert.is(topicFor('SagaStepScheduled'), 'saga-events');
  assert.is(topicFor('NotificationFailed'), 'notification-events');
});

catalog('lists the seven topics, prefixed when asked', () => {
  assert.equal(allEventTopics(), [
    'order-events',
    'inventory-events',
    'payment-events',
    'points-events',
    'coupon-events',
    'saga-events',
    'notification-events',
  ]);
  assert.ok(allEventTopics('t_').every((topic) => topic.startsWith('t_')));
  for (const eventType of [...domainEventTypes, ...sagaEventTypes]) {
    assert.ok(allEventTopics().includes(topicFor(eventType)), eventType);
  }
});

catalog('knows exactly the event types the deciders emit', () => {
  for (const eventType of [...domainEventTypes, ...sagaEventTypes]) assert.ok(isKnownEventType(eventType), eventType);
  assert.not.ok(isKnownEventType('toString'));
  assert.not.ok(isKnownEventType('OrderTeleported'));
  assert.throws(
    () => topicFor('OrderTeleported'),
    (error: unknown) => error instanceof UnknownSchemaError,
  );
});

catalog.run();

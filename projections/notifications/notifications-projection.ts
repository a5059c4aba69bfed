import { assertNever } from '../../domain/decider.ts';
import { type NotificationEvent, notificationEventTypes } from '../../domain/notification/events.ts';
import { topicForAggregate } from '../../schemas/event-catalog.ts';
import { eventOf } from '../projector/event-of.ts';
import type { Projection } from '../projector/projection.ts';

export const notificationsTable = 'read_notifications';

/**
 * Stream `notification-<deliveryId>` into one row per delivery holding its last outcome; an operator's
 * redeliver appends the next outcome, which replaces it. Guarded by `version < $version`, so a
 * redelivered or late event changes nothing.
 */
export const notificationsProjection = (): Projection => ({
  name: 'notifications',
  topics: [topicForAggregate('notification')],
  handle: async (tx, envelope) => {
    const event = eventOf<NotificationEvent>(envelope, notificationEventTypes);
    const { deliveryId, orderId, subscriptionId, eventType, attempts, at } = event.data;
    let outcome: { status: 'sent' | 'failed'; lastStatus: number | null; lastError: string | null };
    switch (event.type) {
      case 'NotificationSent':
        outcome = { status: 'sent', lastStatus: event.data.lastStatus, lastError: null };
        break;
      case 'NotificationFailed':
        outcome = { status: 'failed', lastStatus: event.data.lastStatus ?? null, lastError: event.data.lastError };
        break;
      default:
        assertNever(event);
        return;
    }
    await tx.query(
      `INSERT INTO ${notificationsTable} AS n
         (delivery_id, order_id, subscription_id, event_type, status, attempts, last_status, last_error, at, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (delivery_id) DO UPDATE SET
         status = EXCLUDED.status, attempts = EXCLUDED.attempts, last_status = EXCLUDED.last_status,
         last_error = EXCLUDED.last_error, at = EXCLUDED.at, version = EXCLUDED.version
       WHERE n.version < EXCLUDED.version`,
      [
        deliveryId,
        orderId,
        subscriptionId,
        eventType,
        outcome.status,
        attempts,
        outcome.lastStatus,
        outcome.lastError,
        at,
        envelope.streamVersion,
      ],
    );
  },
});

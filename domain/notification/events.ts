import type { Event } from '../message.ts';

/** What a subscription can ask to hear about; the `type` of each webhook body. */
export const webhookEventTypes = ['order.confirmed', 'order.cancelled', 'order.refunded'] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** One delivery of one event to one subscription: its own stream, `notification-<deliveryId>`. */
export const notificationStreamId = (deliveryId: string): string => `notification-${deliveryId}`;

interface DeliveryOutcome {
  /** The `Webhook-Id` the receiver saw: stable per (subscription, event). */
  deliveryId: string;
  subscriptionId: string;
  orderId: string;
  eventType: WebhookEventType;
  /** The order or payment event the notification tells about. */
  sourceEventId: string;
  /** Attempts made, the first included (counted across operator redeliveries). */
  attempts: number;
  at: string;
}

/** The receiver answered 2xx. */
export type NotificationSent = Event<'NotificationSent', DeliveryOutcome & { lastStatus: number }>;

/**
 * Given up: the attempts ran out on timeouts, 5xx or 429, or the receiver refused outright (another 4xx,
 * a redirect). `lastStatus` is absent when the last attempt got no HTTP answer at all.
 */
export type NotificationFailed = Event<
  'NotificationFailed',
  DeliveryOutcome & { lastStatus?: number; lastError: string }
>;

export type NotificationEvent = NotificationSent | NotificationFailed;

const notificationEventTypeSet: Record<NotificationEvent['type'], true> = {
  NotificationSent: true,
  NotificationFailed: true,
};

export const notificationEventTypes = Object.keys(notificationEventTypeSet) as NotificationEvent['type'][];

import type { WebhookEventType } from '../../domain/notification/events.ts';
import type { RecordOrigin } from '../kafka/event-consumer.ts';

import type { Queryable } from '../projector/projection.ts';

/** One final order event, told to every subscription that asked for it. */
export interface Notification {
  eventType: WebhookEventType;
  orderId: string;
  customerId: string;
  sourceEventId: string;
  sourceStreamId: string;
  sourceStreamVersion: number;
  /** When the source event was recorded: subscriptions younger than it are not told. */
  recordedAt: string;
  origin: RecordOrigin;
  /** The exact JSON sent, the same bytes on every attempt. */
  body: string;
}

/** The subscriptions this event concerns: its type, its customer (or all), subscribed before it happened. */
const matching = `FROM webhook_subscriptions s
  WHERE s.deleted_at IS NULL AND $1 = ANY (s.events) AND (s.customer_id IS NULL OR s.customer_id = $2)
    AND s.created_at <= $3`;

/** Whether any subscription could want this event, before its order is read to find the customer. */
export const anySubscriptionFor = async (
  db: Queryable,
  eventType: WebhookEventType,
  recordedAt: string,
): Promise<boolean> => {
  const { rows } = await db.query(
    `SELECT 1 FROM webhook_subscriptions
      WHERE deleted_at IS NULL AND $1 = ANY (events) AND created_at <= $2 LIMIT 1`,
    [eventType, recordedAt],
  );
  return rows.length > 0;
};

/**
 * Queues one delivery per matching subscription, named by the Webhook-Id (stable per subscription and
 * event). A redelivered Kafka record queues nothing new. Returns how many were queued now.
 */
export const queueDeliveries = async (db: Queryable, n: Notification): Promise<number> => {
  const { rowCount } = await db.query(
    `INSERT INTO webhook_deliveries (id, subscription_id, event_type, order_id, source_event_id, source_stream_id,
       source_stream_version, origin_topic, origin_partition, origin_offset, body)
     SELECT 'msg_' || substr(encode(sha256(convert_to(s.id || ':' || $4, 'UTF8')), 'hex'), 1, 32), s.id, $1, $5, $4,
            $6, $7, $8, $9, $10, $11
     ${matching}
     ON CONFLICT (subscription_id, source_event_id) DO NOTHING`,
    [
      n.eventType,
      n.customerId,
      n.recordedAt,
      n.sourceEventId,
      n.orderId,
      n.sourceStreamId,
      n.sourceStreamVersion,
      n.origin.topic,
      n.origin.partition,
      n.origin.offset,
      n.body,
    ],
  );
  return rowCount ?? 0;
};

/** A delivery a notifier holds the lease of, with what it needs to make the attempt. */
export interface ClaimedDelivery {
  id: string;
  subscriptionId: string;
  url: string;
  storedSecret: string;
  eventType: WebhookEventType;
  orderId: string;
  sourceEventId: string;
  sourceStreamId: string;
  sourceStreamVersion: number;
  origin: RecordOrigin;
  body: string;
  /** Attempts made, this one included. */
  attempts: number;
  /** Attempts of the current round (an operator's redeliver starts a new one), this one included. */
  roundAttempts: number;
  /** Outcome events already recorded on `notification-<id>`. */
  outcomes: number;
}

interface ClaimedRow {
  id: string;
  subscription_id: string;
  url: string;
  secret: string;
  event_type: WebhookEventType;
  order_id: string;
  source_event_id: string;
  source_stream_id: string;
  source_stream_version: string;
  origin_topic: string;
  origin_partition: number;
  origin_offset: string;
  body: string;
  attempts: number;
  round_attempts: number;
  outcomes: number;
}

/**
 * Takes the lease of up to `limit` due deliveries, at most `perSubscription` in flight to any one
 * subscription (those already leased anywhere count): a slow or dead receiver holds that many slots, never
 * a queue that others wait in. A notifier killed mid-attempt leaves its lease to run out; then the
 * delivery is due again.
 */
export const claimDueDeliveries = async (
  db: Queryable,
  { limit, leaseMs, perSubscription }: { limit: number; leaseMs: number; perSubscription: number },
): Promise<ClaimedDelivery[]> => {
  const { rows } = await db.query<ClaimedRow>(
    `WITH busy AS (
       SELECT subscription_id, count(*) AS n FROM webhook_deliveries
        WHERE status = 'pending' AND lease_until > now() GROUP BY subscription_id
     ), ready AS (
       SELECT d.id, d.next_attempt_at, d.created_at, coalesce(b.n, 0) AS busy,
              row_number() OVER (PARTITION BY d.subscription_id ORDER BY d.next_attempt_at, d.created_at) AS rank
         FROM webhook_deliveries d
         JOIN webhook_subscriptions s ON s.id = d.subscription_id
         LEFT JOIN busy b ON b.subscription_id = d.subscription_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= now()
          AND (d.lease_until IS NULL OR d.lease_until <= now())
          AND s.status = 'enabled' AND s.deleted_at IS NULL
     ), due AS (
       SELECT id FROM ready WHERE busy + rank <= $3 ORDER BY next_attempt_at, created_at LIMIT $1
     )
     UPDATE webhook_deliveries d
        SET lease_until = now() + $2 * interval '1 millisecond', attempts = d.attempts + 1,
            round_attempts = d.round_attempts + 1, updated_at = now()
       FROM due, webhook_subscriptions s
      WHERE d.id = due.id AND s.id = d.subscription_id AND d.status = 'pending'
        AND (d.lease_until IS NULL OR d.lease_until <= now())
  RETURNING d.id, d.subscription_id, s.url, s.secret, d.event_type, d.order_id, d.source_event_id, d.source_stream_id,
            d.source_stream_version, d.origin_topic, d.origin_partition, d.origin_offset, d.body, d.attempts,
            d.round_attempts, d.outcomes`,
    [limit, leaseMs, perSubscription],
  );
  return rows.map((row) => ({
    id: row.id,
    subscriptionId: row.subscription_id,
    url: row.url,
    storedSecret: row.secret,
    eventType: row.event_type,
    orderId: row.order_id,
    sourceEventId: row.source_event_id,
    sourceStreamId: row.source_stream_id,
    sourceStreamVersion: Number(row.source_stream_version),
    origin: { topic: row.origin_topic, partition: row.origin_partition, offset: row.origin_offset },
    body: row.body,
    attempts: row.attempts,
    roundAttempts: row.round_attempts,
    outcomes: row.outcomes,
  }));
};

/**
 * Each update below applies only while the row is still the attempt this notifier claimed (same
 * attempt count, still pending): a notifier that stalled past its lease changes nothing.
 */
const held = 'id = $1 AND attempts = $2 AND status = $3';

export const scheduleRetry = async (
  db: Queryable,
  delivery: ClaimedDelivery,
  { delayMs, status, error }: { delayMs: number; status?: number; error: string },
): Promise<void> => {
  await db.query(
    `UPDATE webhook_deliveries
        SET next_attempt_at = now() + $4 * interval '1 millisecond', lease_until = NULL, last_status = $5,
            last_error = $6, updated_at = now()
      WHERE ${held}`,
    [delivery.id, delivery.attempts, 'pending', delayMs, status ?? null, error],
  );
};

/** The round's outcome, once its event is recorded: sent or failed, and the next outcome's version. */
export const settleDelivery = async (
  db: Queryable,
  delivery: ClaimedDelivery,
  outcome: { status: 'sent' | 'failed'; lastStatus?: number; error?: string },
): Promise<void> => {
  await db.query(
    `UPDATE webhook_deliveries
        SET status = $4, outcomes = outcomes + 1, lease_until = NULL, last_status = $5, last_error = $6,
            updated_at = now()
      WHERE ${held}`,
    [delivery.id, delivery.attempts, 'pending', outcome.status, outcome.lastStatus ?? null, outcome.error ?? null],
  );
};

/** One delivered attempt ends the subscription's run of failures. */
export const clearFailureStreak = async (db: Queryable, subscriptionId: string): Promise<void> => {
  await db.query('UPDATE webhook_subscriptions SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL', [
    subscriptionId,
  ]);
};

/** A failed attempt starts the run of failures unless one is running: when it started, and the database's now. */
export const noteFailure = async (
  db: Queryable,
  subscriptionId: string,
): Promise<{ failingSince: Date; now: Date } | undefined> => {
  const { rows } = await db.query<{ failing_since: Date; now: Date }>(
    `UPDATE webhook_subscriptions SET failing_since = coalesce(failing_since, now())
      WHERE id = $1 RETURNING failing_since, now() AS now`,
    [subscriptionId],
  );
  return rows[0] && { failingSince: rows[0].failing_since, now: rows[0].now };
};

/** True when this call disabled it (it was enabled). */
export const disableSubscription = async (db: Queryable, subscriptionId: string, reason: string): Promise<boolean> => {
  const { rowCount } = await db.query(
    `UPDATE webhook_subscriptions SET status = 'disabled', disabled_reason = $2, disabled_at = now()
      WHERE id = $1 AND status = 'enabled'`,
    [subscriptionId, reason],
  );
  return rowCount === 1;
};

/** A delivery as operators see it (`ops webhooks deliveries`). */
export interface DeliveryView {
  id: string;
  subscriptionId: string;
  eventType: WebhookEventType;
  orderId: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  lastStatus?: number;
  lastError?: string;
  nextAttemptAt?: string;
  createdAt: string;
  updatedAt: string;
}

interface DeliveryRow {
  id: string;
  subscription_id: string;
  event_type: WebhookEventType;
  order_id: string;
  status: DeliveryView['status'];
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  next_attempt_at: Date;
  created_at: Date;
  updated_at: Date;
}

const deliveryView = (row: DeliveryRow): DeliveryView => ({
  id: row.id,
  subscriptionId: row.subscription_id,
  eventType: row.event_type,
  orderId: row.order_id,
  status: row.status,
  attempts: row.attempts,
  ...(row.last_status === null ? {} : { lastStatus: row.last_status }),
  ...(row.last_error === null ? {} : { lastError: row.last_error }),
  ...(row.status === 'pending' ? { nextAttemptAt: row.next_attempt_at.toISOString() } : {}),
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** A subscription's deliveries, newest first. */
export const listDeliveries = async (db: Queryable, subscriptionId: string, limit: number): Promise<DeliveryView[]> => {
  const { rows } = await db.query<DeliveryRow>(
    `SELECT id, subscription_id, event_type, order_id, status, attempts, last_status, last_error, next_attempt_at,
            created_at, updated_at
       FROM webhook_deliveries WHERE subscription_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
    [subscriptionId, limit],
  );
  return rows.map(deliveryView);
};

/**
 * An operator's redeliver: a sent or failed delivery goes out again at once, as a new round of
 * attempts under the same Webhook-Id (its outcome is recorded as the next event of its stream).
 * `pending` when it is pending already (nothing changed); undefined when there is no such delivery.
 */
export const redeliver = async (
  db: Queryable,
  deliveryId: string,
): Promise<{ outcome: 'queued' | 'pending'; delivery: DeliveryView } | undefined> => {
  const { rows } = await db.query<DeliveryRow>(
    `UPDATE webhook_deliveries
        SET status = 'pending', round_attempts = 0, next_attempt_at = now(), lease_until = NULL, updated_at = now()
      WHERE id = $1 AND status <> 'pending'
  RETURNING *`,
    [deliveryId],
  );
  if (rows[0]) return { outcome: 'queued', delivery: deliveryView(rows[0]) };
  const { rows: existing } = await db.query<DeliveryRow>('SELECT * FROM webhook_deliveries WHERE id = $1', [
    deliveryId,
  ]);
  return existing[0] && { outcome: 'pending', delivery: deliveryView(existing[0]) };
};

import type { EventStore } from '../../commands/event-store/event-store.ts';
import { type NotifiedEvent, webhookPayload, webhookTypeOf } from '../../domain/notification/webhook-payload.ts';
import type { OrderEvent } from '../../domain/order/events.ts';
import { orderStreamId } from '../../domain/streams.ts';
import type { EventEnvelope } from '../../schemas/kafka-envelope.ts';
import type { EnvelopeHandler, RecordOrigin } from '../kafka/event-consumer.ts';
import { PoisonMessageError } from '../kafka/failure-kind.ts';
import type { Queryable } from '../projector/projection.ts';
import { anySubscriptionFor, queueDeliveries } from './deliveries.ts';

export interface IntakeDependencies {
  db: Queryable;
  store: EventStore;
  /** Called when deliveries were queued, so the worker need not wait for its next look. */
  onQueued?: () => void;
}

/**
 * The notifier's consumer: each final order event (and refund) becomes one queued delivery per
 * subscription that wants it. Nothing is sent here, so a slow receiver never holds up the consumer, and
 * the queue is written before the offset is committed: a record redelivered after a crash queues nothing twice.
 */
export const notificationIntake =
  ({ db, store, onQueued }: IntakeDependencies): EnvelopeHandler =>
  async (envelope: EventEnvelope, origin: RecordOrigin) => {
    const eventType = webhookTypeOf(envelope.type);
    if (!eventType) return;
    // Most installations have few subscriptions: no order read for an event nobody asked for.
    if (!(await anySubscriptionFor(db, eventType, envelope.recordedAt))) return;
    const event = { type: envelope.type, data: envelope.data } as NotifiedEvent;
    const orderId = event.data.orderId;
    const isOrderEvent = envelope.streamId === orderStreamId(orderId);
    const history = (await store.readStream(orderStreamId(orderId)))
      .filter((past) => !isOrderEvent || past.version <= envelope.streamVersion)
      .map((past) => ({ type: past.type, data: past.data }) as OrderEvent);
    const payload = webhookPayload(envelope.eventId, event, history);
    if (!payload)
      throw new PoisonMessageError(`${envelope.type} ${envelope.eventId}: order ${orderId} was never placed`);
    const queued = await queueDeliveries(db, {
      eventType,
      orderId,
      customerId: payload.data.customerId,
      sourceEventId: envelope.eventId,
      sourceStreamId: envelope.streamId,
      sourceStreamVersion: envelope.streamVersion,
      recordedAt: envelope.recordedAt,
      origin,
      body: JSON.stringify(payload),
    });
    if (queued > 0) onQueued?.();
  };

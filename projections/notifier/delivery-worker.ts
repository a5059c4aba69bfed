import { createHash } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import type pg from 'pg';
import { type EventStore, WrongExpectedVersionError } from '../../commands/event-store/event-store.ts';
import type { SecretBox } from '../../commands/webhooks/secret-box.ts';
import { signedHeaders } from '../../commands/webhooks/webhook-signature.ts';
import {
  type AttemptVerdict,
  judgeAttempt,
  type RetryPolicy,
  shouldDisable,
} from '../../domain/notification/delivery-policy.ts';
import { type NotificationEvent, notificationStreamId } from '../../domain/notification/events.ts';
import type { DeadLetterSender } from '../../platform/kafka/dead-letter.ts';
import { toKafkaMessage } from '../../schemas/kafka-envelope.ts';
import { describeError } from '../kafka/failure-kind.ts';
import {
  type ClaimedDelivery,
  claimDueDeliveries,
  clearFailureStreak,
  disableSubscription,
  noteFailure,
  scheduleRetry,
  settleDelivery,
} from './deliveries.ts';
import { postWebhook } from './webhook-post.ts';

export interface DeliveryWorkerOptions {
  db: pg.Pool;
  store: EventStore;
  secrets: SecretBox;
  /** The notifier's dead-letter topic: deliveries given up land there. */
  deadLetters: DeadLetterSender;
  policy: RetryPolicy;
  timeoutMs: number;
  allowPrivate: boolean;
  /** Attempts in flight at once. */
  concurrency: number;
  /** Attempts in flight at once to one subscription. */
  perSubscription: number;
  disableAfterMs: number;
  /** Longest pause between looks for due deliveries. */
  pollMs: number;
  clock: () => Date;
  random?: () => number;
  log: (line: Record<string, unknown>) => void;
}

/** A UUID named by `name` (SHA-256, RFC 9562 version 8 layout): the same outcome always gets the same event id. */
const outcomeEventId = (name: string): string => {
  const bytes = createHash('sha256').update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** Headers a notifier dead letter adds to the order event it carries: which delivery gave up. */
export const deliveryHeaders = {
  deliveryId: 'webhook-delivery-id',
  subscriptionId: 'webhook-subscription-id',
  attempts: 'webhook-attempts',
  lastStatus: 'webhook-last-status',
} as const;

/**
 * Sends the queued deliveries: takes leases on due ones, POSTs them signed, and records each round's
 * outcome as an event on `notification-<deliveryId>` before the row says so. The event's id and version
 * follow from the delivery and its round, so a notifier killed anywhere records no outcome twice; the
 * receiver may see an attempt twice, with the same Webhook-Id.
 */
export class DeliveryWorker {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private running: Promise<void> | undefined;

  constructor(private readonly options: DeliveryWorkerOptions) {}

  start(): void {
    this.running ??= this.loop();
  }

  /** Look for due deliveries now (new ones were queued). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Stops claiming; attempts in flight finish (each within the timeout). */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.wake();
    await this.running;
  }

  private get leaseMs(): number {
    // Long enough for the attempt and the bookkeeping after it; a dead notifier's lease runs out after this.
    return this.options.timeoutMs + 15_000;
  }

  private async loop(): Promise<void> {
    const { db, concurrency, perSubscription, pollMs, log } = this.options;
    while (!this.stopping.signal.aborted) {
      this.woken = false;
      const free = concurrency - this.inFlight.size;
      if (free > 0) {
        try {
          for (const delivery of await claimDueDeliveries(db, {
            limit: free,
            leaseMs: this.leaseMs,
            perSubscription,
          })) {
            const attempt: Promise<void> = this.attempt(delivery)
              .catch((error) =>
                log({
                  level: 'error',
                  msg: 'webhook attempt not recorded',
                  delivery: delivery.id,
                  error: describeError(error),
                }),
              )
              .finally(() => {
                this.inFlight.delete(attempt);
                this.wake();
              });
            this.inFlight.add(attempt);
          }
        } catch (error) {
          log({ level: 'warn', msg: 'looking for due webhook deliveries failed', error: describeError(error) });
        }
      }
      if (!this.woken) await this.pause(pollMs);
    }
    await Promise.allSettled([...this.inFlight]);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const { secrets, clock, policy, timeoutMs, allowPrivate, random = Math.random } = this.options;
    const headers = signedHeaders(secrets.open(delivery.storedSecret), delivery.id, clock(), delivery.body);
    const result = await postWebhook(delivery.url, delivery.body, headers, { timeoutMs, allowPrivate });
    const verdict = judgeAttempt(result, delivery.roundAttempts, policy, clock(), random);
    switch (verdict.outcome) {
      case 'sent':
        await this.settle(delivery, verdict);
        await clearFailureStreak(this.options.db, delivery.subscriptionId);
        return;
      case 'retry':
        await scheduleRetry(this.options.db, delivery, verdict);
        await this.afterFailure(delivery);
        return;
      case 'failed':
        // The streak first: whoever sees the delivery failed sees its subscription's state after it.
        await this.afterFailure(delivery);
        await this.settle(delivery, verdict);
        return;
    }
  }

  /** Records the round's outcome, dead-letters a failure, then marks the row: in that order, each safe to repeat. */
  private async settle(delivery: ClaimedDelivery, verdict: Exclude<AttemptVerdict, { outcome: 'retry' }>) {
    const at = this.options.clock().toISOString();
    const common = {
      deliveryId: delivery.id,
      subscriptionId: delivery.subscriptionId,
      orderId: delivery.orderId,
      eventType: delivery.eventType,
      sourceEventId: delivery.sourceEventId,
      attempts: delivery.attempts,
      at,
    };
    const event: NotificationEvent =
      verdict.outcome === 'sent'
        ? { type: 'NotificationSent', data: { ...common, lastStatus: verdict.status } }
        : {
            type: 'NotificationFailed',
            data: {
              ...common,
              ...(verdict.status === undefined ? {} : { lastStatus: verdict.status }),
              lastError: verdict.error,
            },
          };
    const recorded = await this.recordOutcome(delivery, event);
    if (recorded === 'NotificationFailed') {
      const error = verdict.outcome === 'failed' ? verdict.error : 'recorded as failed by an earlier attempt';
      await this.deadLetter(delivery, { ...(verdict.status === undefined ? {} : { status: verdict.status }), error });
    }
    await settleDelivery(this.options.db, delivery, {
      status: recorded === 'NotificationSent' ? 'sent' : 'failed',
      ...(verdict.status === undefined ? {} : { lastStatus: verdict.status }),
      ...(verdict.outcome === 'failed' ? { error: verdict.error } : {}),
    });
    this.options.log({
      level: recorded === 'NotificationSent' ? 'info' : 'warn',
      msg: recorded === 'NotificationSent' ? 'webhook delivered' : 'webhook delivery failed',
      delivery: delivery.id,
      subscription: delivery.subscriptionId,
      attempts: delivery.attempts,
      status: verdict.status,
    });
  }

  /**
   * Appends at the round's own version under an id named by delivery, round and type: a repeat after a
   * crash is found, not written again. Returns the type that stands at that version (an earlier life of
   * this delivery may have recorded the other outcome; it wins).
   */
  private async recordOutcome(delivery: ClaimedDelivery, event: NotificationEvent): Promise<NotificationEvent['type']> {
    const { store } = this.options;
    const streamId = notificationStreamId(delivery.id);
    const id = outcomeEventId(`notification:${delivery.id}:${delivery.outcomes}:${event.type}`);
    try {
      await store.appendToStream(
        streamId,
        [{ id, ...event, metadata: { correlationId: delivery.orderId, causationId: delivery.sourceEventId } }],
        delivery.outcomes === 0 ? 'no_stream' : delivery.outcomes - 1,
      );
      return event.type;
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      const [standing] = await store.readStream(streamId, { fromVersion: delivery.outcomes });
      if (!standing) throw error;
      return standing.type as NotificationEvent['type'];
    }
  }

  /** The order event the delivery told about, as it was read, plus the dlq-* and webhook-* headers. */
  private async deadLetter(delivery: ClaimedDelivery, verdict: { status?: number; error: string }): Promise<void> {
    const [source] = await this.options.store.readStream(delivery.sourceStreamId, {
      fromVersion: delivery.sourceStreamVersion,
    });
    if (!source) throw new Error(`source event ${delivery.sourceStreamId}@${delivery.sourceStreamVersion} not found`);
    const message = toKafkaMessage(source);
    const record = {
      key: Buffer.from(String(message.key)),
      value: message.value as Buffer,
      headers: {
        ...message.headers,
        [deliveryHeaders.deliveryId]: delivery.id,
        [deliveryHeaders.subscriptionId]: delivery.subscriptionId,
        [deliveryHeaders.attempts]: String(delivery.attempts),
        ...(verdict.status === undefined ? {} : { [deliveryHeaders.lastStatus]: String(verdict.status) }),
      },
      offset: delivery.origin.offset,
      timestamp: String(source.recordedAt.getTime()),
      attributes: 0,
    } satisfies KafkaMessage;
    await this.options.deadLetters.send(
      { topic: delivery.origin.topic, partition: delivery.origin.partition, message: record },
      `webhook delivery ${delivery.id} to ${delivery.subscriptionId} failed after ${delivery.attempts} attempt(s): ${verdict.error}`,
    );
  }

  private async afterFailure(delivery: ClaimedDelivery): Promise<void> {
    const { db, disableAfterMs, log } = this.options;
    const streak = await noteFailure(db, delivery.subscriptionId);
    if (!streak || !shouldDisable(streak.failingSince, streak.now, disableAfterMs)) return;
    const reason = `every attempt failed since ${streak.failingSince.toISOString()} (WEBHOOK_DISABLE_AFTER ${disableAfterMs} ms)`;
    if (await disableSubscription(db, delivery.subscriptionId, reason)) {
      log({ level: 'warn', msg: 'webhook subscription disabled', subscription: delivery.subscriptionId, reason });
    }
  }
}

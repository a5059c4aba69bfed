import type pg from 'pg';
import type { EventStore } from '../../commands/event-store/event-store.ts';
import type { SecretBox } from '../../commands/webhooks/secret-box.ts';
import type { WebhookConfig } from '../../deploy/config.ts';
import { DeadLetterSender } from '../../platform/kafka/dead-letter.ts';
import { topicForAggregate } from '../../schemas/event-catalog.ts';
import { deadLetterTopic } from '../kafka/dead-letter.ts';
import { EventConsumer } from '../kafka/event-consumer.ts';
import { notificationsProjection } from '../notifications/notifications-projection.ts';
import { TransactionalProjector } from '../projector/transactional-projector.ts';
import { DeliveryWorker } from './delivery-worker.ts';
import { notificationIntake } from './notification-intake.ts';

export const notifierGroupId = (prefix = ''): string => `${prefix}notifier`;

/** Order events (confirmed, cancelled) and payment events (refunded), prefixed. */
export const notifierTopics = (prefix = ''): string[] => [
  topicForAggregate('order', prefix),
  topicForAggregate('payment', prefix),
];

export interface NotifierOptions {
  db: pg.Pool;
  store: EventStore;
  secrets: SecretBox;
  brokers: string[];
  topicPrefix?: string;
  webhooks: WebhookConfig;
  clock?: () => Date;
  log: (line: Record<string, unknown>) => void;
}

/**
 * The notifier: its own consumer group queues deliveries from the order's final events, and a worker
 * sends them; a projector (group `projector.notifications`) keeps the outcomes' read model. The two meet only in PostgreSQL, so receivers' speed never reaches the consumer (nor the
 * saga, which never waits for either).
 */
export class Notifier {
  private readonly consumer: EventConsumer;
  private readonly deadLetters: DeadLetterSender;
  /** The timeline's read model of the outcomes, kept by the notifier beside the deliveries it owns. */
  private readonly outcomes: TransactionalProjector;
  readonly worker: DeliveryWorker;

  constructor(options: NotifierOptions) {
    const { db, store, secrets, brokers, topicPrefix = '', webhooks, clock = () => new Date(), log } = options;
    const groupId = notifierGroupId(topicPrefix);
    this.deadLetters = new DeadLetterSender({
      brokers,
      groupId,
      topic: deadLetterTopic(groupId, topicPrefix),
      log,
      clock,
    });
    this.worker = new DeliveryWorker({
      db,
      store,
      secrets,
      deadLetters: this.deadLetters,
      policy: { maxAttempts: webhooks.maxAttempts, baseDelayMs: webhooks.retryBaseMs, maxDelayMs: webhooks.retryMaxMs },
      timeoutMs: webhooks.timeoutMs,
      allowPrivate: webhooks.allowPrivate,
      concurrency: webhooks.concurrency,
      perSubscription: webhooks.perSubscription,
      disableAfterMs: webhooks.disableAfterMs,
      pollMs: webhooks.pollMs,
      clock,
      log,
    });
    this.consumer = new EventConsumer({
      brokers,
      groupId,
      topics: notifierTopics(topicPrefix),
      topicPrefix,
      handle: notificationIntake({ db, store, onQueued: () => this.worker.wake() }),
      log,
      clock,
    });
    this.outcomes = new TransactionalProjector({
      pool: db,
      brokers,
      projection: notificationsProjection(),
      topicPrefix,
      log,
    });
  }

  get deadLetterTopic(): string {
    return this.deadLetters.topic;
  }

  async start(): Promise<void> {
    await this.deadLetters.ensureTopic();
    await this.deadLetters.connect();
    this.worker.start();
    await Promise.all([this.consumer.start(), this.outcomes.start()]);
  }

  async stop(): Promise<void> {
    await Promise.all([this.consumer.stop(), this.outcomes.stop()]);
    await this.worker.stop();
    await this.deadLetters.disconnect();
  }
}

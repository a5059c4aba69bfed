import type { Redis } from 'ioredis';
import type { KafkaMessage } from 'kafkajs';
import { topicForAggregate } from '../../schemas/event-catalog.ts';
import { deadLetterTopic } from '../kafka/dead-letter.ts';
import {
  BatchConsumer,
  type BatchContext,
  type BatchOutcome,
  type PartitionBatch,
} from '../projector/batch-consumer.ts';
import { decodeRecord } from '../projector/decoded-record.ts';
import { dashboardKeys } from './dashboard-keys.ts';
import {
  type DashboardTtls,
  isNoScriptError,
  loadDashboardScripts,
  queueDashboardUpdate,
} from './dashboard-scripts.ts';
import { type DashboardUpdate, dashboardUpdateOf } from './dashboard-updates.ts';

/** Topics the dashboard reads, without prefix. */
export const dashboardTopics: readonly string[] = [
  topicForAggregate('order'),
  topicForAggregate('inventory'),
  topicForAggregate('saga'),
];

export const dashboardGroupId = (prefix = ''): string => `${prefix}projector.dashboard`;

export const defaultDashboardTtls: DashboardTtls = { entitySeconds: 7 * 24 * 3600, bucketSeconds: 24 * 3600 };

export interface DashboardProjectorOptions {
  redis: Redis;
  /** `REDIS_KEY_PREFIX`. */
  keyPrefix: string;
  brokers: string[];
  topicPrefix?: string;
  /** Default `<topic prefix>projector.dashboard`. */
  groupId?: string;
  ttls?: Partial<DashboardTtls>;
  partitionsConsumedConcurrently?: number;
  maxRetryDelayMs?: number;
  log?: (line: Record<string, unknown>) => void;
  /** Awaited before each batch: the dashboard healer (dashboard-heal.ts) rebuilds lost keys there first. */
  beforeBatch?: () => Promise<void>;
}

/** The small message published on `<prefix>changes` after a batch changed something. */
export interface DashboardChange {
  source: 'dashboard';
  /** Updates that changed Redis (repeats excluded). */
  changed: number;
  at: string;
}

/**
 * Live counters in Redis, from their own consumer group. At-least-once is enough: every update
 * is an atomic script that applies only when newer, so the offsets live in Kafka, committed after
 * each batch. A record that cannot be read goes to `dlq.<group>`; a Redis failure retries the batch.
 */
export class DashboardProjector {
  readonly groupId: string;
  readonly deadLetterTopic: string;
  readonly topics: string[];
  private readonly consumer: BatchConsumer;
  private readonly keys: ReturnType<typeof dashboardKeys>;
  private readonly ttls: DashboardTtls;

  constructor(private readonly options: DashboardProjectorOptions) {
    const prefix = options.topicPrefix ?? '';
    this.groupId = options.groupId ?? dashboardGroupId(prefix);
    this.deadLetterTopic = deadLetterTopic(this.groupId, prefix);
    this.topics = dashboardTopics.map((topic) => `${prefix}${topic}`);
    this.keys = dashboardKeys(options.keyPrefix);
    this.ttls = { ...defaultDashboardTtls, ...options.ttls };
    this.consumer = new BatchConsumer({
      brokers: options.brokers,
      groupId: this.groupId,
      topics: this.topics,
      deadLetterTopic: this.deadLetterTopic,
      apply: (batch, context) => this.apply(batch, context),
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
      maxRetryDelayMs: options.maxRetryDelayMs,
      log: options.log,
    });
  }

  async start(): Promise<void> {
    await loadDashboardScripts(this.options.redis);
    await this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }

  private async apply(batch: PartitionBatch, context: BatchContext): Promise<BatchOutcome> {
    await this.options.beforeBatch?.();
    const updates: DashboardUpdate[] = [];
    const unreadable: { message: KafkaMessage; reason: string }[] = [];
    let lastEventAt: string | undefined;
    for (const record of batch.messages.map(decodeRecord)) {
      if ('unreadable' in record) {
        unreadable.push({ message: record.message, reason: record.unreadable });
        continue;
      }
      const update = dashboardUpdateOf(record.envelope);
      if (update) updates.push(update);
      lastEventAt = record.envelope.recordedAt;
    }
    const pipeline = this.options.redis.pipeline();
    for (const update of updates) queueDashboardUpdate(pipeline, this.keys, update, this.ttls);
    if (lastEventAt) pipeline.hset(this.keys.lastEvent, `${batch.topic}:${batch.partition}`, lastEventAt);
    const results = (await pipeline.exec()) ?? [];
    const failure = results.find(([error]) => error)?.[0];
    if (failure) {
      // Applying the batch again is harmless: what already applied is skipped as not newer.
      if (isNoScriptError(failure)) await loadDashboardScripts(this.options.redis);
      throw failure;
    }
    for (const { message, reason } of unreadable) await context.deadLetter(message, reason);
    const changed = results.slice(0, updates.length).filter(([, applied]) => applied === 1).length;
    if (changed > 0) {
      const change: DashboardChange = { source: 'dashboard', changed, at: new Date().toISOString() };
      await this.options.redis.publish(this.keys.changes, JSON.stringify(change));
    }
    return { kind: 'applied' };
  }
}

import type { Redis } from 'ioredis';
import type { KafkaMessage } from 'kafkajs';
import { deadLetterTopic } from '../../platform/kafka/dead-letter.ts';
import { describeError, failureKind } from '../../platform/kafka/failure.ts';
import {
  type BatchContext,
  type BatchOutcome,
  GroupConsumer,
  type PartitionBatch,
} from '../../platform/kafka/group-consumer.ts';
import { topicForAggregate } from '../../schemas/event-catalog.ts';
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
  private readonly consumer: GroupConsumer;
  private readonly keys: ReturnType<typeof dashboardKeys>;
  private readonly ttls: DashboardTtls;

  constructor(private readonly options: DashboardProjectorOptions) {
    const prefix = options.topicPrefix ?? '';
    this.groupId = options.groupId ?? dashboardGroupId(prefix);
    this.deadLetterTopic = deadLetterTopic(this.groupId, prefix);
    this.topics = dashboardTopics.map((topic) => `${prefix}${topic}`);
    this.keys = dashboardKeys(options.keyPrefix);
    this.ttls = { ...defaultDashboardTtls, ...options.ttls };
    this.consumer = new GroupConsumer({
      brokers: options.brokers,
      groupId: this.groupId,
      topics: this.topics,
      deadLetterTopic: this.deadLetterTopic,
      mode: { batch: (batch, context) => this.apply(batch, context) },
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
    const updates: { message: KafkaMessage; update: DashboardUpdate }[] = [];
    const unreadable: { message: KafkaMessage; reason: string }[] = [];
    let lastEventAt: string | undefined;
    for (const record of batch.messages.map(decodeRecord)) {
      if ('unreadable' in record) {
        unreadable.push({ message: record.message, reason: record.unreadable });
        continue;
      }
      const update = dashboardUpdateOf(record.envelope);
      if (update) updates.push({ message: record.message, update });
      lastEventAt = record.envelope.recordedAt;
    }
    const lastEvent = lastEventAt ? { field: `${batch.topic}:${batch.partition}`, at: lastEventAt } : undefined;
    const changed = context.isolate
      ? (await this.applyOneByOne(updates, context)) + (await this.applyPipelined([], lastEvent))
      : await this.applyPipelined(
          updates.map(({ update }) => update),
          lastEvent,
        );
    for (const { message, reason } of unreadable) await context.deadLetter(message, reason);
    if (changed > 0) {
      const change: DashboardChange = { source: 'dashboard', changed, at: new Date().toISOString() };
      await this.options.redis.publish(this.keys.changes, JSON.stringify(change));
    }
    return { kind: 'applied' };
  }

  /** Every update in one round trip; answers how many changed Redis. Applying them again is harmless. */
  private async applyPipelined(updates: DashboardUpdate[], lastEvent?: { field: string; at: string }): Promise<number> {
    if (updates.length === 0 && !lastEvent) return 0;
    const pipeline = this.options.redis.pipeline();
    for (const update of updates) queueDashboardUpdate(pipeline, this.keys, update, this.ttls);
    if (lastEvent) pipeline.hset(this.keys.lastEvent, lastEvent.field, lastEvent.at);
    const results = (await pipeline.exec()) ?? [];
    const failure = results.find(([error]) => error)?.[0];
    if (failure) {
      // Applying the batch again is harmless: what already applied is skipped as not newer.
      if (isNoScriptError(failure)) await loadDashboardScripts(this.options.redis);
      throw failure;
    }
    return results.slice(0, updates.length).filter(([, applied]) => applied === 1).length;
  }

  /** After repeated failures: update by update, and a record whose update still fails is dead-lettered. */
  private async applyOneByOne(
    updates: { message: KafkaMessage; update: DashboardUpdate }[],
    context: BatchContext,
  ): Promise<number> {
    let changed = 0;
    for (const { message, update } of updates) {
      try {
        changed += await this.applyPipelined([update]);
      } catch (error) {
        if (failureKind(error) === 'transient') throw error;
        await context.deadLetter(message, describeError(error));
      }
    }
    return changed;
  }
}

import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { createKafka } from '../../deploy/kafka-client.ts';
import { type EventEnvelope, fromKafkaMessage } from '../../schemas/kafka-envelope.ts';
import { log as processLog } from '../logger.ts';
import { recordConsumerLag } from '../metrics.ts';
import { contextOf, inSpan, SpanKind } from '../tracing.ts';
import { observeBatch } from './batch-telemetry.ts';
import { DeadLetterSender } from './dead-letter.ts';
import { describeError, failureKind } from './failure.ts';
import { retryDelayMs, sleep } from './retry-delay.ts';

/**
 * How long the group waits for a silent member before handing its partitions to others. It is also how
 * long a process restarted after a kill -9 waits for its dead predecessor's partitions: 6 s is the
 * broker's minimum (`group.min.session.timeout.ms`), so a restarted consumer works again within ~8 s.
 * The price is that a member whose event loop stalls for 6 s is dropped and rejoins; heartbeats run in
 * the background while a batch is applied, so a slow batch (a lock held by a rebuild) does not count.
 */
export const defaultSessionTimeoutMs = 6_000;

/** Attempts at a record or batch that fails for an unknown reason before it is dead-lettered. */
export const defaultMaxAttempts = 8;

/** The records of one topic partition that Kafka handed over together. */
export interface PartitionBatch {
  topic: string;
  partition: number;
  /** In offset order, never empty. */
  messages: KafkaMessage[];
}

export interface BatchContext {
  /** Parks a record in the group's dead-letter topic (acks=all) with the reason it cannot be applied. */
  deadLetter(message: KafkaMessage, reason: string): Promise<void>;
  /** 1 for the first attempt at this batch. */
  attempt: number;
  /**
   * The batch failed `maxAttempts` times for a reason that is neither poison nor a dependency being
   * away: apply it record by record and dead-letter each record that still fails, so the partition
   * moves. If the batch fails even so, the consumer dead-letters all of it as a last resort.
   */
  isolate: boolean;
}

/**
 * `applied`: every record is applied or dead-lettered; the consumer moves past the batch.
 * `seek`: the store of record says the partition must be read from `offset` instead.
 */
export type BatchOutcome = { kind: 'applied' } | { kind: 'seek'; offset: string };

/** Throws for a failure: see `failureKind` for what is retried and how often. */
export type BatchApplier = (batch: PartitionBatch, context: BatchContext) => Promise<BatchOutcome>;

export interface RecordOrigin {
  topic: string;
  partition: number;
  offset: string;
}

export type EnvelopeHandler = (envelope: EventEnvelope, origin: RecordOrigin) => Promise<void>;

/**
 * `batch`: the applier gets each partition batch whole (projectors: one transaction per batch).
 * `record`: each record is decoded and handed over on its own; per key in order, different keys of a
 * batch side by side (up to `keyConcurrency`, default 32).
 */
export type ConsumeMode = { batch: BatchApplier } | { record: EnvelopeHandler; keyConcurrency?: number };

export interface GroupConsumerOptions {
  brokers: string[];
  groupId: string;
  /** Full topic names (prefix included). */
  topics: string[];
  /** Full name of the group's dead-letter topic (`deadLetterTopic(groupId, prefix)`). */
  deadLetterTopic: string;
  mode: ConsumeMode;
  /** Partitions whose batches are applied side by side; per partition the batches stay in order. Default 4. */
  partitionsConsumedConcurrently?: number;
  /** Longest pause between attempts (default 5 s). */
  maxRetryDelayMs?: number;
  /** Default `defaultSessionTimeoutMs`; at least the broker's minimum. */
  sessionTimeoutMs?: number;
  /** Attempts for a failure of unknown kind before dead-lettering (default 8). */
  maxAttempts?: number;
  /**
   * The group's partitions were (re)assigned; `seek` moves where a partition is read next. Runs
   * alongside the first fetches (kafkajs does not wait for it), so an applier must not rely on it alone.
   */
  onAssigned?: (
    assignment: Record<string, number[]>,
    seek: (topic: string, partition: number, offset: string) => void,
  ) => Promise<void>;
  log?: (line: Record<string, unknown>) => void;
  clock?: () => Date;
}

/** The partition was taken away (rebalance, stop): nothing of the batch is committed, its next owner reads it. */
class PartitionLost extends Error {}

/** One batch in flight: keeps the membership alive and notices when the partition is no longer ours. */
class BatchSession {
  private rebalance: unknown;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly payload: EachBatchPayload,
    intervalMs: number,
    private readonly stopping: AbortSignal,
  ) {
    this.timer = setInterval(() => {
      payload.heartbeat().catch((error: unknown) => {
        this.rebalance ??= error;
      });
    }, intervalMs);
  }

  owned(): boolean {
    return (
      this.rebalance === undefined && !this.stopping.aborted && this.payload.isRunning() && !this.payload.isStale()
    );
  }

  /** Hands a rebalance the background heartbeat saw to kafkajs, which then rejoins the group. */
  end(): void {
    clearInterval(this.timer);
    if (this.rebalance !== undefined) throw this.rebalance;
  }
}

/**
 * The one Kafka consumer of the system: a consumer group read without auto-commit, offsets committed
 * after a batch is applied or dead-lettered. Poison goes to `dlq.<group>` with its reason and origin at
 * once; a failure of unknown kind after `maxAttempts`; a dependency that is away is waited for. It waits
 * for the broker at start and starts itself again if kafkajs gives up after a crash.
 */
export class GroupConsumer {
  private consumer: Consumer | undefined;
  private readonly deadLetters: DeadLetterSender;
  private readonly log: (line: Record<string, unknown>) => void;
  private readonly stopping = new AbortController();
  private restarting: Promise<void> | undefined;
  private readonly sessionTimeoutMs: number;
  private readonly maxAttempts: number;

  constructor(private readonly options: GroupConsumerOptions) {
    this.log = options.log ?? processLog;
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? defaultSessionTimeoutMs;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? defaultMaxAttempts);
    this.deadLetters = new DeadLetterSender({
      brokers: options.brokers,
      groupId: options.groupId,
      topic: options.deadLetterTopic,
      log: this.log,
      clock: options.clock ?? (() => new Date()),
    });
  }

  get deadLetterTopic(): string {
    return this.deadLetters.topic;
  }

  /** Resolves once the consumer runs; waits (retrying) while the broker is not there yet. */
  async start(): Promise<void> {
    await this.untilDone('creating the dead-letter topic', () => this.deadLetters.ensureTopic());
    await this.untilDone('connecting the dead-letter producer', () => this.deadLetters.connect());
    await this.untilDone('joining the consumer group', () => this.runConsumer());
  }

  /** Waits for the batch in progress (an attempt in progress finishes, no new one starts). */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.restarting;
    await this.consumer?.disconnect();
    await this.deadLetters.disconnect();
  }

  private async untilDone(what: string, step: () => Promise<unknown>): Promise<void> {
    for (let attempt = 1; !this.stopping.signal.aborted; attempt++) {
      try {
        await step();
        return;
      } catch (error) {
        if (this.stopping.signal.aborted) return;
        this.log({
          level: 'warn',
          msg: `${what} failed, retrying`,
          group: this.options.groupId,
          attempt,
          error: describeError(error),
        });
        await sleep(retryDelayMs(attempt, 2_000), this.stopping.signal);
      }
    }
  }

  private async runConsumer(): Promise<void> {
    const consumer = this.createConsumer();
    this.consumer = consumer;
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
      await consumer.run({
        eachBatchAutoResolve: false,
        autoCommit: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 4,
        eachBatch: (payload) => this.handleBatch(payload),
      });
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  private createConsumer(): Consumer {
    const consumer = createKafka(this.options.brokers, this.options.groupId).consumer({
      groupId: this.options.groupId,
      maxWaitTimeInMs: 100,
      sessionTimeout: this.sessionTimeoutMs,
      heartbeatInterval: this.heartbeatIntervalMs(),
    });
    // kafkajs restarts itself after a retriable crash; after any other it stays down, leaving a live
    // process that consumes nothing. Start again instead.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.stopping.signal.aborted) return;
      this.log({
        level: 'error',
        msg: 'consumer crashed, starting it again',
        group: this.options.groupId,
        error: describeError(payload.error),
      });
      this.restarting ??= (async () => {
        await consumer.disconnect().catch(() => undefined);
        await sleep(1_000, this.stopping.signal);
        await this.untilDone('joining the consumer group', () => this.runConsumer());
      })().finally(() => {
        this.restarting = undefined;
      });
    });
    const { onAssigned } = this.options;
    if (onAssigned) {
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        const seek = (topic: string, partition: number, offset: string) => consumer.seek({ topic, partition, offset });
        onAssigned(payload.memberAssignment, seek).catch((error) =>
          this.log({
            level: 'warn',
            msg: 'assignment listener failed',
            group: this.options.groupId,
            error: describeError(error),
          }),
        );
      });
    }
    return consumer;
  }

  private heartbeatIntervalMs(): number {
    return Math.max(300, Math.min(1_000, Math.floor(this.sessionTimeoutMs / 6)));
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { topic, partition, messages } = payload.batch;
    const last = messages.at(-1);
    if (!last) return;
    const batch: PartitionBatch = { topic, partition, messages };
    const session = new BatchSession(payload, this.heartbeatIntervalMs(), this.stopping.signal);
    const observed = 'batch' in this.options.mode ? observeBatch(this.options.groupId, messages) : undefined;
    let outcome: BatchOutcome | undefined;
    try {
      outcome = await this.applyWithRetries(batch, session);
    } finally {
      session.end();
    }
    if (!outcome) return;
    observed?.applied();
    if (outcome.kind === 'seek') {
      this.log({
        level: 'info',
        msg: 'rewinding to the stored offset',
        group: this.options.groupId,
        topic,
        partition,
        offset: outcome.offset,
      });
      this.consumer?.seek({ topic, partition, offset: outcome.offset });
      return;
    }
    payload.resolveOffset(last.offset);
    const next = (BigInt(last.offset) + 1n).toString();
    try {
      await payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: next }] }] });
    } catch (error) {
      // Reading the batch again is harmless; a rebalance that caused this surfaces at the next heartbeat.
      this.log({
        level: 'warn',
        msg: 'offset commit failed',
        group: this.options.groupId,
        topic,
        partition,
        error: describeError(error),
      });
    }
    recordConsumerLag(this.options.groupId, topic, partition, payload.batch.offsetLag());
    await payload.heartbeat();
  }

  /** Undefined when the partition was lost meanwhile (nothing committed: its next owner reads the batch). */
  private async applyWithRetries(batch: PartitionBatch, session: BatchSession): Promise<BatchOutcome | undefined> {
    const { topic, partition, messages } = batch;
    let failures = 0;
    for (let attempt = 1; ; attempt++) {
      if (!session.owned()) return undefined;
      const isolate = failures >= this.maxAttempts;
      const context: BatchContext = {
        attempt,
        isolate,
        deadLetter: (message, reason) => this.deadLetters.send({ topic, partition, message }, reason),
      };
      try {
        return await this.apply(batch, context, session);
      } catch (error) {
        if (error instanceof PartitionLost) return undefined;
        const kind = failureKind(error);
        if (kind === 'unknown') failures += 1;
        // A batch applier deals with poison itself; one that throws it gets the record-by-record attempt next.
        if (kind === 'poison') failures = Math.max(failures + 1, this.maxAttempts);
        if (isolate && kind !== 'transient') {
          const reason = `batch failed ${failures} times, last even record by record: ${describeError(error)}`;
          await this.deadLetters.send(
            messages.map((message) => ({ topic, partition, message })),
            reason,
          );
          return { kind: 'applied' };
        }
        this.log({
          level: 'warn',
          msg: 'batch failed, retrying',
          group: this.options.groupId,
          topic,
          partition,
          firstOffset: messages[0]!.offset,
          lastOffset: messages.at(-1)!.offset,
          attempt,
          kind,
          error: describeError(error),
        });
        await sleep(retryDelayMs(attempt, this.options.maxRetryDelayMs), this.stopping.signal);
      }
    }
  }

  private apply(batch: PartitionBatch, context: BatchContext, session: BatchSession): Promise<BatchOutcome> {
    const { mode } = this.options;
    if ('batch' in mode) return mode.batch(batch, context);
    return this.applyRecords(batch, mode.record, mode.keyConcurrency ?? 32, session);
  }

  private async applyRecords(
    batch: PartitionBatch,
    handle: EnvelopeHandler,
    keyConcurrency: number,
    session: BatchSession,
  ): Promise<BatchOutcome> {
    const byKey = new Map<string, KafkaMessage[]>();
    for (const message of batch.messages) {
      const key = message.key?.toString() ?? '';
      const queue = byKey.get(key);
      if (queue) queue.push(message);
      else byKey.set(key, [message]);
    }
    const queues = [...byKey.values()];
    let next = 0;
    const worker = async () => {
      while (next < queues.length) {
        const queue = queues[next++]!;
        for (const message of queue) await this.applyRecord(batch, message, handle, session);
      }
    };
    await Promise.all(Array.from({ length: Math.min(Math.max(1, keyConcurrency), queues.length) }, worker));
    return { kind: 'applied' };
  }

  /**
   * Records behind it on the same key wait while it is retried, so per-key order holds; once it is
   * dead-lettered they go on (the dead letter says where it belonged).
   */
  private async applyRecord(
    { topic, partition }: PartitionBatch,
    message: KafkaMessage,
    handle: EnvelopeHandler,
    session: BatchSession,
  ): Promise<void> {
    const origin = { topic, partition, offset: message.offset };
    let failures = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        const envelope = fromKafkaMessage(message);
        await inSpan(
          `${this.options.groupId} handle ${envelope.type}`,
          {
            kind: SpanKind.CONSUMER,
            parent: contextOf(envelope.traceparent),
            attributes: { 'orders.event_id': envelope.eventId },
          },
          () => handle(envelope, origin),
        );
        return;
      } catch (error) {
        const kind = failureKind(error);
        if (kind === 'unknown') failures += 1;
        if (kind === 'poison' || failures >= this.maxAttempts) {
          const reason = kind === 'poison' ? describeError(error) : `failed ${failures} times: ${describeError(error)}`;
          await this.deadLetters.send({ topic, partition, message }, reason);
          return;
        }
        if (!session.owned()) throw new PartitionLost();
        this.log({
          level: 'warn',
          msg: 'record failed, retrying',
          group: this.options.groupId,
          ...origin,
          attempt,
          kind,
          error: describeError(error),
        });
        await sleep(retryDelayMs(attempt, this.options.maxRetryDelayMs), this.stopping.signal);
      }
    }
  }
}

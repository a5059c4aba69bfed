import { Partitioners } from 'kafkajs';
import type pg from 'pg';
import type { RecordedEvent } from '../../commands/event-store/event-store.ts';
import { withKafkaAdmin } from '../../deploy/kafka-admin.ts';
import { createKafka, idempotentProducerConfig } from '../../deploy/kafka-client.ts';
import type { Projection } from '../../projections/projector/projection.ts';
import { type CommittedBatch, TransactionalProjector } from '../../projections/projector/transactional-projector.ts';
import { topicFor } from '../../schemas/event-catalog.ts';
import { toKafkaMessage } from '../../schemas/kafka-envelope.ts';
import { now } from './timing.ts';

const eventsPerSend = 5_000;

/**
 * Produces events as the relay would: each to its type's topic under `prefix`, keyed by stream id, with
 * the envelope's headers, acks=all and the idempotent producer; 5,000 to a send. Answers how many.
 */
export const produceEvents = async (
  brokers: string[],
  prefix: string,
  events: Iterable<RecordedEvent>,
  clientId = 'bench-seed',
): Promise<number> => {
  const producer = createKafka(brokers, clientId).producer({
    ...idempotentProducerConfig,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const pending = new Map<string, RecordedEvent[]>();
  let produced = 0;
  const flush = async (topic: string) => {
    const chunk = pending.get(topic) ?? [];
    if (chunk.length === 0) return;
    pending.set(topic, []);
    await producer.send({ topic, acks: -1, messages: chunk.map(toKafkaMessage) });
    produced += chunk.length;
  };
  try {
    for (const event of events) {
      const topic = topicFor(event.type, prefix);
      const chunk = pending.get(topic) ?? [];
      chunk.push(event);
      pending.set(topic, chunk);
      if (chunk.length >= eventsPerSend) await flush(topic);
    }
    for (const topic of pending.keys()) await flush(topic);
    return produced;
  } finally {
    await producer.disconnect();
  }
};

/** Where a partition ends: the offset the next record would get. */
export interface PartitionEnd {
  topic: string;
  partition: number;
  end: bigint;
}

/** The end offsets of `topics` (full names) now: what a replay started now must reach. */
export const partitionEnds = (brokers: string[], topics: readonly string[]): Promise<PartitionEnd[]> =>
  withKafkaAdmin(brokers, async (admin) => {
    const ends: PartitionEnd[] = [];
    for (const topic of topics) {
      for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
        ends.push({ topic, partition, end: BigInt(high) });
      }
    }
    return ends;
  });

export interface ReplayedProjection {
  /** Its name must be unique among those replayed together (it keys `projection_offsets`). */
  projection: Projection;
  groupId: string;
}

export interface ReplayOptions {
  pool: pg.Pool;
  brokers: string[];
  topicPrefix: string;
  projections: readonly ReplayedProjection[];
  ends: readonly PartitionEnd[];
  /** Fails the replay when no batch commits for this long. Default 120 s. */
  stallTimeoutMs?: number;
  log?: (line: Record<string, unknown>) => void;
}

export interface ReplayTiming {
  /** From starting the projectors until the last of them committed the end offset of its last partition. */
  totalMs: number;
  /** When the first batch committed (after connecting, joining the group, the first fetch), and its records. */
  firstCommitMs: number;
  firstCommitApplied: number;
  /** Projection name -> ms from the start until it had caught up. */
  caughtUpMs: Record<string, number>;
}

const partitionKey = (topic: string, partition: number) => `${topic}:${partition}`;

/** Resolves with `done`; rejects when `lastProgress` is older than `stallMs`. */
const unlessStalled = async (done: Promise<void>, lastProgress: () => number, stallMs: number): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    const check = () => {
      if (now() - lastProgress() > stallMs) reject(new Error(`no projector committed a batch for ${stallMs} ms`));
      else timer = setTimeout(check, 1_000);
    };
    timer = setTimeout(check, 1_000);
  });
  try {
    await Promise.race([done, stalled]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * The live `TransactionalProjector`s, side by side on one pool as the projector process runs them,
 * each from offset 0 of its topics until it committed the `ends` taken before: tables and offsets must
 * be empty for their projection names. Caught-up is seen in each commit's offsets, not by polling.
 */
export const replayUntilCaughtUp = async ({
  pool,
  brokers,
  topicPrefix,
  projections,
  ends,
  stallTimeoutMs = 120_000,
  log = () => undefined,
}: ReplayOptions): Promise<ReplayTiming> => {
  const remaining = new Map<string, Map<string, bigint>>();
  for (const { projection } of projections) {
    const topics = projection.topics.map((topic) => `${topicPrefix}${topic}`);
    const missing = topics.filter((topic) => !ends.some((end) => end.topic === topic));
    if (missing.length > 0) throw new Error(`no end offsets for ${missing.join(', ')}`);
    const left = new Map<string, bigint>();
    for (const { topic, partition, end } of ends) {
      if (topics.includes(topic) && end > 0n) left.set(partitionKey(topic, partition), end);
    }
    remaining.set(projection.name, left);
  }
  const started = now();
  let lastProgress = started;
  let firstCommit: { at: number; applied: number } | undefined;
  const caughtUpMs: Record<string, number> = {};
  let allCaughtUp: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    allCaughtUp = resolve;
  });
  const settle = (name: string) => {
    if (remaining.get(name)?.size !== 0 || caughtUpMs[name] !== undefined) return;
    caughtUpMs[name] = now() - started;
    if (Object.keys(caughtUpMs).length === projections.length) allCaughtUp();
  };
  const onBatchCommitted = (batch: CommittedBatch) => {
    lastProgress = now();
    firstCommit ??= { at: lastProgress, applied: batch.applied };
    const left = remaining.get(batch.projection);
    const key = partitionKey(batch.topic, batch.partition);
    const end = left?.get(key);
    if (end !== undefined && batch.nextOffset >= end) left?.delete(key);
    settle(batch.projection);
  };
  const projectors = projections.map(
    ({ projection, groupId }) =>
      new TransactionalProjector({ pool, brokers, projection, topicPrefix, groupId, onBatchCommitted, log }),
  );
  for (const { projection } of projections) settle(projection.name);
  try {
    await Promise.all(projectors.map((projector) => projector.start()));
    await unlessStalled(done, () => lastProgress, stallTimeoutMs);
    const totalMs = Math.max(...Object.values(caughtUpMs));
    return {
      totalMs,
      firstCommitMs: firstCommit ? firstCommit.at - started : totalMs,
      firstCommitApplied: firstCommit?.applied ?? 0,
      caughtUpMs,
    };
  } finally {
    await Promise.all(projectors.map((projector) => projector.stop()));
  }
};

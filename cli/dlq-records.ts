import { randomBytes } from 'node:crypto';
import type { Admin, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type pg from 'pg';
import { KafkaRangeReader, type PartitionRange } from '../projections/rebuild/kafka-range-reader.ts';
import { deadLetterHeaders } from '../schemas/kafka-envelope.ts';
import { notFoundError, usageError } from './cli-error.ts';

/** Where a dead letter sits: its id is `<dlq topic>:<partition>:<offset>` (topic names never hold a colon). */
export interface DeadLetterAddress {
  topic: string;
  partition: number;
  offset: bigint;
}

export interface DeadLetter extends DeadLetterAddress {
  id: string;
  /** The consumer group that gave up on it. */
  group: string;
  reason: string;
  failedAt: string;
  origin?: { topic: string; partition: number; offset: string };
  key: Buffer | null;
  value: Buffer | null;
  /** Every header, the original record's and the dlq-* ones. */
  headers: Record<string, string>;
  /** The original record's headers as Kafka carries them (dlq-* left out): what a replay sends. */
  originalHeaders: IHeaders;
  timestamp: string;
}

export interface Replay {
  replayedAt: string;
  replays: number;
  replayedPartition: number;
  replayedOffset: string;
}

export const deadLetterId = ({ topic, partition, offset }: DeadLetterAddress): string =>
  `${topic}:${partition}:${offset}`;

export const dlqTopicPrefix = (prefix: string): string => `${prefix}dlq.`;

export const parseDeadLetterId = (id: string, prefix: string): DeadLetterAddress => {
  const match = /^(.+):(\d+):(\d+)$/.exec(id);
  if (!match || !match[1]!.startsWith(dlqTopicPrefix(prefix))) {
    throw usageError(
      `bad dead-letter id "${id}": expected <dlq topic>:<partition>:<offset>, e.g. ${dlqTopicPrefix(prefix)}projector.orders:0:12`,
    );
  }
  return { topic: match[1]!, partition: Number(match[2]), offset: BigInt(match[3]!) };
};

const text = (value: Buffer | string | (Buffer | string)[] | undefined): string | undefined => {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
};

export const deadLetterOf = (topic: string, partition: number, message: KafkaMessage, prefix: string): DeadLetter => {
  const headers: Record<string, string> = {};
  const originalHeaders: IHeaders = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const shown = text(value);
    if (shown !== undefined) headers[name] = shown;
    if (!name.startsWith('dlq-') && value !== undefined) originalHeaders[name] = value;
  }
  const timestamp = new Date(Number(message.timestamp)).toISOString();
  const originTopic = headers[deadLetterHeaders.originTopic];
  const originPartition = Number(headers[deadLetterHeaders.originPartition]);
  return {
    id: deadLetterId({ topic, partition, offset: BigInt(message.offset) }),
    topic,
    partition,
    offset: BigInt(message.offset),
    group: headers[deadLetterHeaders.group] ?? topic.slice(dlqTopicPrefix(prefix).length),
    reason: headers[deadLetterHeaders.reason] ?? '',
    failedAt: headers[deadLetterHeaders.failedAt] ?? timestamp,
    ...(originTopic && Number.isInteger(originPartition)
      ? {
          origin: {
            topic: originTopic,
            partition: originPartition,
            offset: headers[deadLetterHeaders.originOffset] ?? '',
          },
        }
      : {}),
    key: message.key,
    value: message.value,
    headers,
    originalHeaders,
    timestamp,
  };
};

/**
 * The dead-letter topics to look at: all of them, or the one of `group` (given with or without the
 * environment's prefix, since group ids carry it). An unknown group is "not found", listing the known ones.
 */
export const deadLetterTopics = async (admin: Admin, prefix: string, group?: string): Promise<string[]> => {
  const all = (await admin.listTopics()).filter((topic) => topic.startsWith(dlqTopicPrefix(prefix))).sort();
  if (group === undefined) return all;
  const wanted = [`${dlqTopicPrefix(prefix)}${group}`, `${dlqTopicPrefix(prefix)}${prefix}${group}`];
  const found = all.filter((topic) => wanted.includes(topic));
  if (found.length === 0) {
    const known = all.map((topic) => topic.slice(dlqTopicPrefix(prefix).length));
    throw notFoundError(`no dead-letter topic for group "${group}"; groups with one: ${known.join(', ') || 'none'}`);
  }
  return found;
};

export interface PartitionSpan {
  topic: string;
  partition: number;
  low: bigint;
  high: bigint;
}

export const partitionSpans = async (admin: Admin, topics: readonly string[]): Promise<PartitionSpan[]> => {
  const spans: PartitionSpan[] = [];
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      spans.push({ topic, partition: p.partition, low: BigInt(p.low), high: BigInt(p.high) });
    }
  }
  return spans;
};

/** Reads exactly the given spans (with a throwaway consumer group, deleted afterwards). */
export const readSpans = async (
  kafka: Kafka,
  prefix: string,
  spans: readonly PartitionSpan[],
  signal?: AbortSignal,
): Promise<DeadLetter[]> => {
  const ranges: PartitionRange[] = spans.map((s) => ({
    topic: s.topic,
    partition: s.partition,
    from: s.low,
    to: s.high,
  }));
  if (!ranges.some((range) => range.from < range.to)) return [];
  const reader = new KafkaRangeReader({
    kafka,
    groupId: `${prefix}ops.dlq.${randomBytes(4).toString('hex')}`,
    topics: [...new Set(spans.map((s) => s.topic))],
  });
  const letters: DeadLetter[] = [];
  try {
    await reader.read(
      ranges,
      async (topic, partition, messages) => {
        for (const message of messages) letters.push(deadLetterOf(topic, partition, message, prefix));
      },
      signal,
    );
  } finally {
    await reader.close().catch(() => undefined);
  }
  return letters.sort(
    (a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition || Number(a.offset - b.offset),
  );
};

/** One dead letter by its id; "not found" when the topic, partition or offset does not hold one (any more). */
export const readDeadLetter = async (kafka: Kafka, admin: Admin, prefix: string, id: string): Promise<DeadLetter> => {
  const address = parseDeadLetterId(id, prefix);
  const missing = () => notFoundError(`no dead letter ${id}`);
  if (!(await admin.listTopics()).includes(address.topic)) throw missing();
  const span = (await partitionSpans(admin, [address.topic])).find((s) => s.partition === address.partition);
  if (!span || address.offset < span.low || address.offset >= span.high) throw missing();
  const [letter] = await readSpans(kafka, prefix, [{ ...span, low: address.offset, high: address.offset + 1n }]);
  if (!letter || letter.offset !== address.offset) throw missing();
  return letter;
};

export const replaysOf = async (db: pg.Pool, letters: readonly DeadLetter[]): Promise<Map<string, Replay>> => {
  if (letters.length === 0) return new Map();
  const { rows } = await db.query<{
    dlq_topic: string;
    dlq_partition: number;
    dlq_offset: string;
    replayed_at: Date;
    replays: number;
    replayed_partition: number;
    replayed_offset: string;
  }>(
    `SELECT r.* FROM ops_dlq_replays r
       JOIN unnest($1::text[], $2::int[], $3::bigint[]) AS l(topic, partition, "offset")
         ON r.dlq_topic = l.topic AND r.dlq_partition = l.partition AND r.dlq_offset = l."offset"`,
    [letters.map((l) => l.topic), letters.map((l) => l.partition), letters.map((l) => l.offset.toString())],
  );
  return new Map(
    rows.map((row) => [
      deadLetterId({ topic: row.dlq_topic, partition: row.dlq_partition, offset: BigInt(row.dlq_offset) }),
      {
        replayedAt: row.replayed_at.toISOString(),
        replays: row.replays,
        replayedPartition: row.replayed_partition,
        replayedOffset: row.replayed_offset,
      },
    ]),
  );
};

export const recordReplay = async (
  db: pg.Pool,
  letter: DeadLetter,
  replayed: { topic: string; partition: number; offset: string },
): Promise<void> => {
  await db.query(
    `INSERT INTO ops_dlq_replays (dlq_topic, dlq_partition, dlq_offset, origin_topic, replayed_partition, replayed_offset)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (dlq_topic, dlq_partition, dlq_offset) DO UPDATE SET
       replayed_partition = EXCLUDED.replayed_partition, replayed_offset = EXCLUDED.replayed_offset,
       replayed_at = now(), replays = ops_dlq_replays.replays + 1`,
    [letter.topic, letter.partition, letter.offset.toString(), replayed.topic, replayed.partition, replayed.offset],
  );
};

/** Forgets replays of records a purge deleted. */
export const forgetReplaysBefore = async (
  db: pg.Pool,
  topic: string,
  partition: number,
  offset: bigint,
): Promise<void> => {
  await db.query('DELETE FROM ops_dlq_replays WHERE dlq_topic = $1 AND dlq_partition = $2 AND dlq_offset < $3', [
    topic,
    partition,
    offset.toString(),
  ]);
};

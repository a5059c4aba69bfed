import type { IHeaders } from 'kafkajs';
import pg from 'pg';
import { createKafka } from '../../deploy/kafka-client.ts';
import { ensureEventTopics } from '../../deploy/topics.ts';
import { topicFor } from '../../schemas/event-catalog.ts';
import { headerNames } from '../../schemas/kafka-envelope.ts';
import { uniqueName } from '../../test/support/names.ts';
import { epochMs } from './open-load.ts';
import type { OrderOutcome, SettleTracker } from './settle-tracker.ts';

const orderEnds: Record<string, OrderOutcome> = { OrderConfirmed: 'confirmed', OrderCancelled: 'cancelled' };
const sagaEnds = new Set(['SagaCompleted', 'SagaCompensated']);

const header = (headers: IHeaders | undefined, name: string): string | undefined => {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
};

/** `order-<id>` and `saga-<id>` streams are named after the order. */
const orderOfStream = (streamId: string): string => streamId.slice(streamId.indexOf('-') + 1);

const sagaTopic = (prefix: string): string => {
  try {
    return topicFor('SagaCompleted', prefix);
  } catch {
    return `${prefix}saga-events`;
  }
};

export interface SettleWatcherOptions {
  brokers: string[];
  databaseUrl: string;
  schema: string;
  topicPrefix: string;
  /** The projection whose stored offsets tell that an order's row is visible. */
  projection?: string;
  pollMs?: number;
  /** application_name of the watcher's PostgreSQL connection, so its CPU is counted as the benchmark's. */
  applicationName: string;
  tracker: SettleTracker;
}

export interface SettleWatcher {
  stop(): Promise<void>;
}

/**
 * Feeds a SettleTracker from one Kafka consumer of the order and saga topics (headers only, no decoding)
 * and one query per poll of the read model's stored offsets (a row per partition). Neither grows with the
 * number of unsettled orders.
 */
export const startSettleWatcher = async (options: SettleWatcherOptions): Promise<SettleWatcher> => {
  const { tracker, topicPrefix } = options;
  const orderTopic = topicFor('OrderConfirmed', topicPrefix);
  const sagas = sagaTopic(topicPrefix);
  await ensureEventTopics(options.brokers, topicPrefix);
  const consumer = createKafka(options.brokers, 'bench-settle-watcher').consumer({
    groupId: `${topicPrefix}${uniqueName('bench-settle')}`,
    maxWaitTimeInMs: 50,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [orderTopic, sagas], fromBeginning: true });
  // Offsets are committed so that a consumer kafkajs restarts after a lost connection resumes where it was.
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        const type = header(message.headers, headerNames.eventType);
        const streamId = header(message.headers, headerNames.streamId);
        if (!type || !streamId) continue;
        const outcome = orderEnds[type];
        if (batch.topic === orderTopic && outcome) {
          tracker.orderEnded(orderOfStream(streamId), outcome, batch.partition, Number(message.offset));
        } else if (batch.topic === sagas && sagaEnds.has(type)) {
          const recordedAt = Date.parse(header(message.headers, headerNames.recordedAt) ?? '');
          tracker.sagaEnded(orderOfStream(streamId), Number.isFinite(recordedAt) ? recordedAt : epochMs());
        }
      }
    },
  });

  const client = new pg.Client({
    connectionString: options.databaseUrl,
    options: `-c search_path=${options.schema}`,
    application_name: options.applicationName,
  });
  await client.connect();
  const projection = options.projection ?? 'orders';
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const { rows } = await client.query<{ partition: number; next_offset: string }>(
        'SELECT partition, next_offset FROM projection_offsets WHERE projection = $1 AND topic = $2',
        [projection, orderTopic],
      );
      const at = epochMs();
      for (const row of rows) tracker.readModelAt(row.partition, Number(row.next_offset), at);
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 20));
    }
  })();

  return {
    stop: async () => {
      polling = false;
      await poller.catch(() => undefined);
      await Promise.allSettled([consumer.disconnect(), client.end()]);
    },
  };
};

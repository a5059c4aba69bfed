import type { Message, Producer, TopicMessages } from 'kafkajs';
import type { LoopHealth } from '../../platform/health.ts';
import { log } from '../../platform/logger.ts';
import { topicFor } from '../../schemas/event-catalog.ts';
import { deadLetterHeaders, headerNames, toKafkaMessage } from '../../schemas/kafka-envelope.ts';
import type { EventStore, RecordedEvent } from '../event-store/event-store.ts';
import type { RelayCheckpoint } from './relay-checkpoint.ts';
import type { RelayLeadership } from './relay-leadership.ts';

export interface RelayOptions {
  store: EventStore;
  /** Connected, idempotent (`idempotent: true, maxInFlightRequests: 1`): retries neither duplicate nor reorder. */
  producer: Producer;
  checkpoint: RelayCheckpoint;
  leadership: RelayLeadership;
  topicPrefix?: string;
  batchSize?: number;
  /** Pause when the store has nothing new. */
  idleDelayMs?: number;
  log?: (line: Record<string, unknown>) => void;
  /** Told of every turn that worked and every one that failed (the process's `/health`). */
  health?: LoopHealth;
  /** Longest pause between two turns after failures (the first pause is 100 ms, doubled each time). */
  maxRetryDelayMs?: number;
}

export const relayDeadLetterTopic = (prefix = '') => `${prefix}dlq.relay`;

/**
 * Follows the store's global order and publishes every event to its aggregate's topic, keyed by
 * stream id. The checkpoint moves only after Kafka acknowledged the whole batch (acks=all), so a
 * crash at any point re-sends, never skips: duplicates carry the same event id.
 */
export class Relay {
  private position: bigint | undefined;
  private readonly topicPrefix: string;
  private readonly batchSize: number;
  private readonly idleDelayMs: number;
  private readonly log: (line: Record<string, unknown>) => void;

  constructor(private readonly options: RelayOptions) {
    this.topicPrefix = options.topicPrefix ?? '';
    this.batchSize = options.batchSize ?? 1000;
    this.idleDelayMs = options.idleDelayMs ?? 10;
    this.log = options.log ?? log;
  }

  /** Publishes the next batch and moves the checkpoint; returns how many events it published. */
  async publishNextBatch(): Promise<number> {
    this.position ??= await this.options.checkpoint.load();
    const events = await this.options.store.readAll({ after: this.position, limit: this.batchSize });
    const last = events.at(-1);
    if (!last) return 0;
    await this.options.producer.sendBatch({ topicMessages: this.toTopicMessages(events), acks: -1 });
    await this.options.checkpoint.save(last.position);
    this.position = last.position;
    return events.length;
  }

  /**
   * Publishes until the signal aborts; waits as a standby while another relay holds the lead. A turn that
   * fails (PostgreSQL or Kafka away) gives up the lead, is logged once per outage and tried again after a
   * growing pause: the position is reloaded from the checkpoint, so nothing is skipped and what Kafka may
   * have taken without acknowledging is sent again (same event ids).
   */
  async run(signal: AbortSignal): Promise<void> {
    const maxRetryDelayMs = this.options.maxRetryDelayMs ?? 5_000;
    let failures = 0;
    try {
      while (!signal.aborted) {
        try {
          if (!(await this.options.leadership.tryAcquire())) {
            this.position = undefined;
            this.options.health?.succeeded();
            await pause(500, signal);
            continue;
          }
          const published = await this.publishNextBatch();
          this.options.health?.succeeded();
          if (failures > 0) this.log({ level: 'info', msg: 'relay publishing again', failedTurns: failures });
          failures = 0;
          if (published < this.batchSize) await pause(this.idleDelayMs, signal);
        } catch (error) {
          if (signal.aborted) break;
          this.options.health?.failed(error);
          if (failures === 0) this.log({ level: 'warn', msg: 'relay turn failed; retrying', error: describe(error) });
          failures++;
          this.position = undefined;
          await this.options.leadership.release().catch(() => undefined);
          await pause(Math.min(100 * 2 ** Math.min(failures - 1, 10), maxRetryDelayMs), signal);
        }
      }
    } finally {
      await this.options.leadership.release().catch(() => undefined);
    }
  }

  private toTopicMessages(events: RecordedEvent[]): TopicMessages[] {
    const byTopic = new Map<string, Message[]>();
    const add = (topic: string, message: Message) => {
      const messages = byTopic.get(topic);
      if (messages) messages.push(message);
      else byTopic.set(topic, [message]);
    };
    for (const event of events) {
      try {
        add(topicFor(event.type, this.topicPrefix), toKafkaMessage(event));
      } catch (error) {
        // An event the relay cannot encode must not stop the stream behind it; it is parked with its reason.
        const reason = error instanceof Error ? error.message : String(error);
        this.log({ level: 'error', msg: 'event parked in dead-letter topic', eventId: event.id, reason });
        add(relayDeadLetterTopic(this.topicPrefix), deadLetter(event, reason));
      }
    }
    return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
  }
}

const deadLetter = (event: RecordedEvent, reason: string): Message => ({
  key: event.streamId,
  value: JSON.stringify({ ...event, position: event.position.toString() }),
  headers: {
    [headerNames.eventId]: event.id,
    [headerNames.eventType]: event.type,
    [headerNames.streamId]: event.streamId,
    [headerNames.streamVersion]: String(event.version),
    [headerNames.globalPosition]: event.position.toString(),
    [deadLetterHeaders.reason]: reason,
    'dlq-origin': 'relay',
    [headerNames.contentType]: 'application/json',
  },
});

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

import type { Message, Producer, TopicMessages } from 'kafkajs';
import type { LoopHealth } from '../../platform/health.ts';
import { log } from '../../platform/logger.ts';
import { deadLetters, relayPublished } from '../../platform/metrics.ts';
import { type RecordSpans, SpanKind, startRecordSpans } from '../../platform/tracing.ts';
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
  /** Pause after a read that found nothing new. */
  idleDelayMs?: number;
  /**
   * How often the acknowledged position is saved (default 1 s). A restart re-sends what was acknowledged
   * since the last save (same event ids; every consumer is idempotent), never less.
   */
  checkpointEveryMs?: number;
  log?: (line: Record<string, unknown>) => void;
  /** Told of every turn that worked and every one that failed (the process's `/health`). */
  health?: LoopHealth;
  /** Longest pause between two turns after failures (the first pause is 100 ms, doubled each time). */
  maxRetryDelayMs?: number;
  clock?: () => number;
}

export const relayDeadLetterTopic = (prefix = '') => `${prefix}dlq.relay`;

/**
 * Follows the store's global order and publishes every event to its aggregate's topic, keyed by
 * stream id. While one batch is in flight the next is read and encoded; batches are sent one after the
 * other, so per-stream order holds. The checkpoint only ever holds a position Kafka acknowledged
 * (acks=all), saved on a timer, so a crash at any point re-sends, never skips: duplicates carry the
 * same event id.
 */
export class Relay {
  /** The last position read (handed to the producer, perhaps not yet acknowledged). */
  private position: bigint | undefined;
  /** The last position Kafka acknowledged. */
  private acknowledged: bigint | undefined;
  private saved: { position: bigint; at: number } | undefined;
  private readonly topicPrefix: string;
  private readonly batchSize: number;
  private readonly idleDelayMs: number;
  private readonly checkpointEveryMs: number;
  private readonly clock: () => number;
  private readonly log: (line: Record<string, unknown>) => void;

  constructor(private readonly options: RelayOptions) {
    this.topicPrefix = options.topicPrefix ?? '';
    this.batchSize = options.batchSize ?? 1000;
    this.idleDelayMs = options.idleDelayMs ?? 10;
    this.checkpointEveryMs = options.checkpointEveryMs ?? 1_000;
    this.clock = options.clock ?? Date.now;
    this.log = options.log ?? log;
  }

  /**
   * Publishes until a read finds nothing new, reading and encoding each batch while the one before it is
   * in flight; saves the checkpoint when it is due. Answers how many events it published.
   */
  async publishAvailable(): Promise<number> {
    if (this.position === undefined) {
      this.position = await this.options.checkpoint.load();
      this.acknowledged = this.position;
      this.saved = { position: this.position, at: this.clock() };
    }
    let published = 0;
    let inFlight: Promise<void> | undefined;
    try {
      for (;;) {
        const events = await this.options.store.readAll({ after: this.position, limit: this.batchSize });
        const last = events.at(-1);
        if (!last) break;
        // With tracing on, each event is sent as the child of its own trace (a publish span per event).
        const spans = startRecordSpans(
          'relay publish',
          SpanKind.PRODUCER,
          events.map((event) => event.metadata.traceparent),
        );
        const topicMessages = this.toTopicMessages(
          events.map((event, index) => withTraceparent(event, spans.traceparent(index))),
        );
        await inFlight;
        inFlight = this.send(topicMessages, last.position, spans, events.length);
        // Marked handled here; awaited (and so thrown) before the next send or at the end.
        inFlight.catch(() => undefined);
        this.position = last.position;
        published += events.length;
        await this.checkpointIfDue();
      }
    } finally {
      // A read that failed still waits for the send before it: what it acknowledged may be checkpointed.
      await inFlight?.catch(() => undefined);
    }
    await inFlight;
    await this.checkpointIfDue();
    return published;
  }

  /** Saves what Kafka acknowledged, if it moved (on stop, and before a failed turn reloads the checkpoint). */
  async saveCheckpoint(): Promise<void> {
    const acknowledged = this.acknowledged;
    if (acknowledged === undefined || (this.saved && this.saved.position >= acknowledged)) return;
    await this.options.checkpoint.save(acknowledged);
    this.saved = { position: acknowledged, at: this.clock() };
  }

  private async send(
    topicMessages: TopicMessages[],
    lastPosition: bigint,
    spans: RecordSpans,
    count: number,
  ): Promise<void> {
    await this.options.producer.sendBatch({ topicMessages, acks: -1 }).catch((error) => {
      spans.end(error);
      throw error;
    });
    spans.end();
    relayPublished.inc(count);
    this.acknowledged = lastPosition;
  }

  private async checkpointIfDue(): Promise<void> {
    if (this.saved && this.clock() - this.saved.at < this.checkpointEveryMs) return;
    await this.saveCheckpoint();
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
            this.forgetPosition();
            this.options.health?.succeeded();
            await pause(500, signal);
            continue;
          }
          const published = await this.publishAvailable();
          this.options.health?.succeeded();
          if (failures > 0) this.log({ level: 'info', msg: 'relay publishing again', failedTurns: failures });
          failures = 0;
          if (published === 0) await pause(this.idleDelayMs, signal);
        } catch (error) {
          if (signal.aborted) break;
          this.options.health?.failed(error);
          if (failures === 0) this.log({ level: 'warn', msg: 'relay turn failed; retrying', error: describe(error) });
          failures++;
          await this.saveCheckpoint().catch(() => undefined);
          this.forgetPosition();
          await this.options.leadership.release().catch(() => undefined);
          await pause(Math.min(100 * 2 ** Math.min(failures - 1, 10), maxRetryDelayMs), signal);
        }
      }
    } finally {
      await this.saveCheckpoint().catch((error: unknown) =>
        this.log({ level: 'warn', msg: 'relay checkpoint not saved at stop', error: describe(error) }),
      );
      await this.options.leadership.release().catch(() => undefined);
    }
  }

  /** The next turn starts from the stored checkpoint (another relay may have led meanwhile). */
  private forgetPosition(): void {
    this.position = undefined;
    this.acknowledged = undefined;
    this.saved = undefined;
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
        deadLetters.inc({ group: 'relay' });
        add(relayDeadLetterTopic(this.topicPrefix), deadLetter(event, reason));
      }
    }
    return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
  }
}

const withTraceparent = (event: RecordedEvent, traceparent: string | undefined): RecordedEvent =>
  traceparent === undefined || traceparent === event.metadata.traceparent
    ? event
    : { ...event, metadata: { ...event.metadata, traceparent } };

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

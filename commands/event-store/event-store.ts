/**
 * The event-store port. Both adapters (PostgreSQL, EventStoreDB) implement it and pass
 * one shared contract suite (`event-store.contract.ts`).
 */

import type { EventMetadata, RecordedEvent } from '../../schemas/recorded-event.ts';

export type { EventMetadata, RecordedEvent };

/** `no_stream`: the stream must not exist; `any`: no check; a number: the stream's last version must be that. */
export type ExpectedVersion = 'no_stream' | 'any' | number;

/** An event to append. `id` is a UUID chosen by the writer: re-sending the same ids writes nothing new. */
export interface NewEvent {
  id: string;
  type: string;
  data: unknown;
  metadata?: EventMetadata;
}

export interface AppendResult {
  /** Version of the stream's last event after the append. */
  nextExpectedVersion: number;
  /** Global position of the last event appended (or found, for an idempotent repeat). */
  position: bigint;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Use `0n` (or `-1n`) for the beginning. */
  after: bigint;
  /** Most events returned in one call. */
  limit: number;
}

export interface ReadStreamOptions {
  /** Only events with a version at or above this; a caller that already folded the head reads the tail. */
  fromVersion?: number;
}

export interface EventStore {
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  appendToStream(streamId: string, events: NewEvent[], expected: ExpectedVersion): Promise<AppendResult>;
  /**
   * Events in global order after a position. Never returns a position that a still-running
   * transaction could later fill in below it, so a reader that checkpoints the last returned
   * position never skips an event.
   */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** True when the store answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Thrown when the expected version does not match; the command handler retries on it. */
export class WrongExpectedVersionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${streamId}: expected version ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedVersionError';
  }
}

/**
 * A stored event as every reader sees it: the event store returns it, the Kafka envelope carries it.
 * It lives here, below the store's adapters, so the envelope does not reach up into them.
 */

export interface EventMetadata {
  /** The order this event belongs to. */
  correlationId?: string;
  /** The command or event that caused it. */
  causationId?: string;
  /** The command whose decision produced it; used to answer a repeated command with its earlier outcome. */
  commandId?: string;
  /** W3C trace context of the request that produced it. */
  traceparent?: string;
  [key: string]: string | undefined;
}

export interface RecordedEvent {
  id: string;
  streamId: string;
  /** Consecutive from 0 within the stream. */
  version: number;
  /** Position in the store's global order; strictly increasing, gaps allowed. */
  position: bigint;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  recordedAt: Date;
}

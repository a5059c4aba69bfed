import type { IHeaders, Message } from 'kafkajs';
import { decodeEvent, encodeEvent } from './avro-codec.ts';
import type { EventMetadata, RecordedEvent } from './recorded-event.ts';

/**
 * The one place where a stored event becomes a Kafka record and back. Every record carries the
 * headers of the design brief, so a reader never has to decode the value to route or deduplicate.
 */
export const headerNames = {
  eventId: 'event-id',
  eventType: 'event-type',
  schemaVersion: 'schema-version',
  streamId: 'stream-id',
  streamVersion: 'stream-version',
  globalPosition: 'global-position',
  recordedAt: 'recorded-at',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  traceparent: 'traceparent',
  actorSubject: 'actor-subject',
  actorRole: 'actor-role',
  contentType: 'content-type',
} as const;

/** What a dead-letter record adds to the original record's headers: why it was parked and where from. */
export const deadLetterHeaders = {
  reason: 'dlq-reason',
  group: 'dlq-group',
  originTopic: 'dlq-origin-topic',
  originPartition: 'dlq-origin-partition',
  originOffset: 'dlq-origin-offset',
  failedAt: 'dlq-failed-at',
} as const;

export interface EventEnvelope {
  eventId: string;
  type: string;
  schemaVersion: number;
  streamId: string;
  streamVersion: number;
  position: bigint;
  recordedAt: string;
  correlationId?: string;
  causationId?: string;
  traceparent?: string;
  /** Who caused it, when a person or client did (a request to an API): token subject and role. */
  actorSubject?: string;
  actorRole?: string;
  data: unknown;
}

export class EnvelopeError extends Error {
  override name = 'EnvelopeError';
}

export const toKafkaMessage = (event: RecordedEvent): Message => {
  const { schemaVersion, payload } = encodeEvent(event.type, event.data);
  const metadata: EventMetadata = event.metadata ?? {};
  const headers: IHeaders = {
    [headerNames.eventId]: event.id,
    [headerNames.eventType]: event.type,
    [headerNames.schemaVersion]: String(schemaVersion),
    [headerNames.streamId]: event.streamId,
    [headerNames.streamVersion]: String(event.version),
    [headerNames.globalPosition]: event.position.toString(),
    [headerNames.recordedAt]: event.recordedAt.toISOString(),
    [headerNames.contentType]: 'avro/binary',
  };
  if (metadata.correlationId) headers[headerNames.correlationId] = metadata.correlationId;
  if (metadata.causationId) headers[headerNames.causationId] = metadata.causationId;
  if (metadata.traceparent) headers[headerNames.traceparent] = metadata.traceparent;
  if (metadata.actorSubject) headers[headerNames.actorSubject] = metadata.actorSubject;
  if (metadata.actorRole) headers[headerNames.actorRole] = metadata.actorRole;
  return { key: event.streamId, value: payload, headers };
};

const header = (headers: IHeaders | undefined, name: string): string | undefined => {
  const value = headers?.[name];
  if (value === undefined) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
};

const required = (headers: IHeaders | undefined, name: string): string => {
  const value = header(headers, name);
  if (value === undefined || value === '') throw new EnvelopeError(`record has no ${name} header`);
  return value;
};

const integer = (headers: IHeaders | undefined, name: string): number => {
  const value = Number(required(headers, name));
  if (!Number.isSafeInteger(value) || value < 0) throw new EnvelopeError(`header ${name} is not a whole number`);
  return value;
};

/** Throws EnvelopeError, UnknownSchemaError or SchemaDecodeError for a record that cannot be read. */
export const fromKafkaMessage = (message: { value: Buffer | null; headers?: IHeaders }): EventEnvelope => {
  if (!message.value) throw new EnvelopeError('record has no value');
  const type = required(message.headers, headerNames.eventType);
  const schemaVersion = integer(message.headers, headerNames.schemaVersion);
  const positionText = required(message.headers, headerNames.globalPosition);
  if (!/^\d+$/.test(positionText)) throw new EnvelopeError(`header ${headerNames.globalPosition} is not a position`);
  return {
    eventId: required(message.headers, headerNames.eventId),
    type,
    schemaVersion,
    streamId: required(message.headers, headerNames.streamId),
    streamVersion: integer(message.headers, headerNames.streamVersion),
    position: BigInt(positionText),
    recordedAt: required(message.headers, headerNames.recordedAt),
    correlationId: header(message.headers, headerNames.correlationId),
    causationId: header(message.headers, headerNames.causationId),
    traceparent: header(message.headers, headerNames.traceparent),
    actorSubject: header(message.headers, headerNames.actorSubject),
    actorRole: header(message.headers, headerNames.actorRole),
    data: decodeEvent(type, schemaVersion, message.value),
  };
};

/** Translation between the port's events and the EventStoreDB client's. */
import {
  type AllStreamResolvedEvent,
  type EventData,
  type JSONType,
  jsonEvent,
  type Position,
  type ResolvedEvent,
} from '@eventstore/db-client';
import type { EventMetadata, NewEvent, RecordedEvent } from '../event-store.ts';

/** The server sends ulong.MaxValue where it knows no position (stream reads before v22.10). */
const noPosition = 2n ** 63n;

export const knownPosition = (position: Position | undefined): bigint | undefined =>
  position && position.commit < noPosition ? position.commit : undefined;

export const toEventData = (event: NewEvent): EventData =>
  jsonEvent({
    id: event.id,
    type: event.type,
    // JSON has no `undefined`: store what JSON.stringify would make of it inside an object.
    data: (event.data ?? null) as JSONType,
    ...(event.metadata ? { metadata: event.metadata } : {}),
  });

const isMetadata = (value: unknown): value is EventMetadata =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);

type ReadEvent = NonNullable<ResolvedEvent['event'] | AllStreamResolvedEvent['event']>;

/** `$`-prefixed streams and types are the server's own (settings, stats, links, metadata). */
export const isSystemEvent = (event: ReadEvent): boolean =>
  event.streamId.startsWith('$') || event.type.startsWith('$');

export const positionOf = (resolved: ResolvedEvent | AllStreamResolvedEvent): bigint | undefined =>
  knownPosition(resolved.event?.position) ??
  (resolved.commitPosition !== undefined && resolved.commitPosition < noPosition ? resolved.commitPosition : undefined);

export const toRecordedEvent = (resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent => {
  const event = resolved.event;
  if (!event) throw new Error('a read returned a link whose event is gone; links are not resolved here');
  return {
    id: event.id,
    streamId: event.streamId,
    version: Number(event.revision),
    position: positionOf(resolved) ?? -1n,
    type: event.type,
    data: event.data,
    metadata: isMetadata(event.metadata) ? event.metadata : {},
    recordedAt: event.created,
  };
};

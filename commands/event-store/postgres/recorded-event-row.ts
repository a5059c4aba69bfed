import type { EventMetadata, RecordedEvent } from '../event-store.ts';

/** The columns every read selects, in the shape `toRecordedEvent` expects. */
export const recordedEventColumns = 'position, stream_id, version, event_id, type, data, metadata, recorded_at';

export interface RecordedEventRow {
  // int8 arrives as a string: bigint does not fit a JS number.
  position: string;
  stream_id: string;
  version: string;
  event_id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date;
}

export const toRecordedEvent = (row: RecordedEventRow): RecordedEvent => ({
  id: row.event_id,
  streamId: row.stream_id,
  version: Number(row.version),
  position: BigInt(row.position),
  type: row.type,
  data: row.data,
  metadata: row.metadata,
  recordedAt: row.recorded_at,
});

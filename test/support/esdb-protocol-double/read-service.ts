/**
 * `Streams.Read`: stream reads (both directions), `$all` reads (both directions, optionally filtered)
 * and subscriptions to `$all` (optionally filtered, with checkpoints), answered from the in-memory log.
 */
import { randomUUID } from 'node:crypto';
import grpc from '@grpc/grpc-js';
import { checkpointIntervalOf, type EventFilter, eventFilterOf } from './event-filter.ts';
import type { streamsPb } from './generated.ts';
import type { InMemoryLog, StoredEvent } from './in-memory-log.ts';
import {
  caughtUpResponse,
  checkpointResponse,
  confirmationResponse,
  eventResponse,
  streamNotFoundResponse,
} from './read-messages.ts';

type ReadCall = grpc.ServerWritableStream<streamsPb.ReadReq, streamsPb.ReadResp>;

const backwards = 1;

const fail = (call: ReadCall, code: grpc.status, details: string): void => {
  call.emit('error', { code, details });
};

export const readService =
  (log: InMemoryLog) =>
  (call: ReadCall): void => {
    try {
      answerRead(log, call);
    } catch (error) {
      fail(call, grpc.status.INVALID_ARGUMENT, error instanceof Error ? error.message : String(error));
    }
  };

const answerRead = (log: InMemoryLog, call: ReadCall): void => {
  const options = call.request.getOptions();
  if (!options) throw new Error('read request without options');
  const structuredIds = options.getUuidOption()?.hasStructured() ?? false;
  const send = (event: StoredEvent) => call.write(eventResponse(event, structuredIds));
  if (options.hasSubscription()) {
    if (options.hasAll()) subscribeToAll(log, call, options, send);
    else fail(call, grpc.status.UNIMPLEMENTED, 'the double serves subscriptions to $all only');
    return;
  }
  const count = Number(BigInt(options.getCount() || '0'));
  const direction = options.getReadDirection();
  const streamOptions = options.getStream();
  if (streamOptions) {
    const streamId = Buffer.from(streamOptions.getStreamIdentifier()!.getStreamName_asU8()).toString('utf8');
    const stream = log.stream(streamId);
    if (stream) for (const event of streamSlice(stream, streamOptions, direction, count)) send(event);
    else call.write(streamNotFoundResponse(streamId));
  } else {
    const filter = eventFilterOf(options.getFilter());
    for (const event of allSlice(log.events, options.getAll()!, direction, filter, count)) send(event);
  }
  call.end();
};

const streamSlice = (
  stream: readonly StoredEvent[],
  options: streamsPb.ReadReq.Options.StreamOptions,
  direction: number,
  count: number,
): StoredEvent[] => {
  const last = BigInt(stream.length - 1);
  if (direction === backwards) {
    const from = options.hasEnd() ? last : options.hasRevision() ? BigInt(options.getRevision()) : -1n;
    return stream
      .filter((event) => event.revision <= from)
      .reverse()
      .slice(0, count);
  }
  const from = options.hasStart() ? 0n : options.hasRevision() ? BigInt(options.getRevision()) : last + 1n;
  return stream.filter((event) => event.revision >= from).slice(0, count);
};

/** Forwards from a position is inclusive and backwards exclusive, as the server reads its log. */
const allSlice = (
  events: readonly StoredEvent[],
  options: streamsPb.ReadReq.Options.AllOptions,
  direction: number,
  filter: EventFilter,
  count: number,
): StoredEvent[] => {
  const position = options.hasPosition() ? BigInt(options.getPosition()!.getCommitPosition()) : undefined;
  if (direction === backwards) {
    if (options.hasStart()) return [];
    return events
      .filter((event) => (position === undefined || event.position < position) && filter(event))
      .reverse()
      .slice(0, count);
  }
  if (options.hasEnd()) return [];
  return events
    .filter((event) => (position === undefined || event.position >= position) && filter(event))
    .slice(0, count);
};

/**
 * Catch up from the log, then follow appends live. A filtered subscription counts every event it looks
 * at, matching or not, and sends a checkpoint each time the count reaches the interval and once when
 * catch-up ends, so a consumer of a sparse filter can still move its stored position forward.
 */
const subscribeToAll = (
  log: InMemoryLog,
  call: ReadCall,
  options: streamsPb.ReadReq.Options,
  send: (event: StoredEvent) => void,
): void => {
  const allOptions = options.getAll()!;
  const filtered = options.hasFilter();
  const filter = eventFilterOf(options.getFilter());
  const interval = checkpointIntervalOf(options.getFilter());
  let after = allOptions.hasPosition()
    ? BigInt(allOptions.getPosition()!.getCommitPosition())
    : allOptions.hasEnd()
      ? (log.lastPosition ?? -1n)
      : -1n;
  let considered = 0;
  let lastCheckpoint = -1n;
  const checkpoint = (position: bigint) => {
    // The server never repeats a checkpoint, e.g. when the interval is reached on the last event of catch-up.
    if (position <= lastCheckpoint) return;
    lastCheckpoint = position;
    call.write(checkpointResponse(position));
  };
  const consider = (event: StoredEvent) => {
    if (event.position <= after) return;
    after = event.position;
    if (filter(event)) send(event);
    if (!filtered) return;
    considered += 1;
    if (considered >= interval) {
      considered = 0;
      checkpoint(event.position);
    }
  };

  call.write(confirmationResponse(randomUUID()));
  for (const event of log.events) consider(event);
  if (filtered && after >= 0n) checkpoint(after);
  call.write(caughtUpResponse());
  // Catch-up ran synchronously, so no append can fall between it and the live listener.
  const unsubscribe = log.subscribe(consider);
  call.on('cancelled', unsubscribe);
  call.on('close', unsubscribe);
};

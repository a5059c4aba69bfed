import { randomUUID } from 'node:crypto';
import type { Decider } from '../domain/decider.ts';
import type { Command, Event } from '../domain/message.ts';
import { recordAppended } from '../platform/metrics.ts';
import { activeTraceparent, inSpan } from '../platform/tracing.ts';
import {
  type EventMetadata,
  type EventStore,
  type RecordedEvent,
  WrongExpectedVersionError,
} from './event-store/event-store.ts';
import {
  type CommandVersions,
  type FoldedStream,
  type FoldedStreamCache,
  foldedStreamCacheOf,
} from './folded-stream-cache.ts';

/** An event the command produced (or produced earlier, for a repeated command id). */
export type HandledEvent = Pick<RecordedEvent, 'id' | 'streamId' | 'version' | 'type' | 'data' | 'metadata'>;

export interface CommandOutcome {
  events: HandledEvent[];
  /** Version of the stream's last event; -1 when the stream is still empty. */
  nextExpectedVersion: number;
  /** Global position of the last event appended or found: the consistency token a reader can wait for. */
  position: bigint;
  /** The command id was handled before: `events` are what it recorded then, and nothing was decided now. */
  repeated?: true;
}

export interface HandleCommandInput<State, C extends Command, E extends Event> {
  store: EventStore;
  decider: Decider<State, C, E>;
  streamId: string;
  command: C;
  /** Attempts in all, the first included; only a version conflict is retried. */
  retries?: number;
  /** Stamped on every new event next to the command's ids (trace context, request hash, note). */
  metadata?: EventMetadata;
  newId?: () => string;
}

export const defaultCommandRetries = 5;

/** Read, fold, decide, append with the expected version; a repeated command id gets its earlier outcome. */
export const handleCommand = async <State, C extends Command, E extends Event>(
  input: HandleCommandInput<State, C, E>,
): Promise<CommandOutcome> => {
  const attempts = input.retries ?? defaultCommandRetries;
  return inSpan(`command ${input.command.type}`, commandSpan(input), async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await decideAndAppend(input);
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= attempts) throw error;
        await sleep(backoffWithJitter(attempt));
      }
    }
  });
};

const commandSpan = ({ streamId, command }: HandleCommandInput<unknown, Command, Event>) => ({
  attributes: {
    'orders.stream_id': streamId,
    'orders.command_id': command.metadata.commandId,
    ...(command.metadata.correlationId ? { 'orders.order_id': command.metadata.correlationId } : {}),
  },
});

const decideAndAppend = async <State, C extends Command, E extends Event>({
  store,
  decider,
  streamId,
  command,
  metadata,
  newId = randomUUID,
}: HandleCommandInput<State, C, E>): Promise<CommandOutcome> => {
  const cache = foldedStreamCacheOf(store);
  const { tail, folded } = await catchUp(store, decider, streamId, cache);
  const { commandId, correlationId } = command.metadata;
  const earlier = folded.commands.get(commandId);
  if (earlier) return { ...outcomeOf(await eventsOf(store, streamId, commandId, earlier, tail)), repeated: true };

  const decided = decider.decide(command, folded.state);
  if (decided.length === 0) {
    return { events: [], nextExpectedVersion: folded.version, position: folded.position };
  }
  const stamped = { ...metadata, commandId, correlationId: correlationId ?? commandId, causationId: commandId };
  const events = decided.map((event) => ({ id: newId(), type: event.type, data: event.data, metadata: stamped }));
  const appended = await inSpan(`append ${streamId}`, { attributes: { 'orders.events': events.length } }, async () => {
    // With tracing on, the events carry the append's span on: whoever handles them continues this trace.
    const traceparent = activeTraceparent();
    if (traceparent) stamped.traceparent = traceparent;
    return store.appendToStream(streamId, events, folded.version === -1 ? 'no_stream' : folded.version);
  });
  recordAppended(events);
  const firstVersion = appended.nextExpectedVersion - events.length + 1;
  folded.commands.set(commandId, { from: firstVersion, to: appended.nextExpectedVersion });
  cache.remember(streamId, {
    version: appended.nextExpectedVersion,
    position: appended.position,
    state: decided.reduce(decider.evolve, folded.state),
    commands: folded.commands,
  });
  return {
    events: events.map((event, index) => ({ ...event, streamId, version: firstVersion + index })),
    nextExpectedVersion: appended.nextExpectedVersion,
    position: appended.position,
  };
};

/** Reads what was appended since the cached fold (the whole stream on a miss) and folds it in. */
const catchUp = async <State, E extends Event>(
  store: EventStore,
  decider: Decider<State, never, E>,
  streamId: string,
  cache: FoldedStreamCache,
): Promise<{ tail: RecordedEvent[]; folded: FoldedStream<State> }> => {
  const known = cache.get<State>(streamId);
  const tail = await store.readStream(streamId, known ? { fromVersion: known.version + 1 } : undefined);
  let { version, position, state } = known ?? { version: -1, position: 0n, state: decider.initialState() };
  const commands = known?.commands ?? new Map<string, CommandVersions>();
  for (const event of tail) {
    state = decider.evolve(state, asDomainEvent<E>(event));
    const id = event.metadata.commandId;
    if (id) commands.set(id, { from: commands.get(id)?.from ?? event.version, to: event.version });
    version = event.version;
    position = event.position;
  }
  const folded = { version, position, state, commands };
  cache.remember(streamId, folded);
  return { tail, folded };
};

const eventsOf = async (
  store: EventStore,
  streamId: string,
  commandId: string,
  { from, to }: CommandVersions,
  tail: RecordedEvent[],
): Promise<RecordedEvent[]> => {
  const inTail = tail.filter((event) => event.version >= from && event.version <= to);
  const events = inTail.length === to - from + 1 ? inTail : await store.readStream(streamId, { fromVersion: from });
  return events.filter((event) => event.version <= to && event.metadata.commandId === commandId);
};

/** The current state of one stream, for a caller that needs to look before it commands. */
export const readState = async <State, E extends Event>(
  store: EventStore,
  decider: Decider<State, never, E>,
  streamId: string,
): Promise<State> => (await catchUp(store, decider, streamId, foldedStreamCacheOf(store))).folded.state;

// The store keeps what the decider emitted, so the recorded type and data are that event again.
const asDomainEvent = <E extends Event>(event: RecordedEvent): E => ({ type: event.type, data: event.data }) as E;

const outcomeOf = (events: RecordedEvent[]): CommandOutcome => {
  const last = events.at(-1)!;
  return { events, nextExpectedVersion: last.version, position: last.position };
};

// Exponential with full jitter, so writers that collided do not collide again in lockstep.
const backoffWithJitter = (attempt: number): number => Math.random() * Math.min(200, 10 * 2 ** attempt);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

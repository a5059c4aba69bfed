import { randomUUID } from 'node:crypto';
import { type Decider, fold } from '../domain/decider.ts';
import type { Command, Event } from '../domain/message.ts';
import {
  type EventMetadata,
  type EventStore,
  type RecordedEvent,
  WrongExpectedVersionError,
} from './event-store/event-store.ts';

/** An event the command produced (or produced earlier, for a repeated command id). */
export type HandledEvent = Pick<RecordedEvent, 'id' | 'streamId' | 'version' | 'type' | 'data' | 'metadata'>;

export interface CommandOutcome {
  events: HandledEvent[];
  /** Version of the stream's last event; -1 when the stream is still empty. */
  nextExpectedVersion: number;
  /** Global position of the last event appended or found: the consistency token a reader can wait for. */
  position: bigint;
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
  for (let attempt = 1; ; attempt++) {
    try {
      return await decideAndAppend(input);
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError) || attempt >= attempts) throw error;
      await sleep(backoffWithJitter(attempt));
    }
  }
};

const decideAndAppend = async <State, C extends Command, E extends Event>({
  store,
  decider,
  streamId,
  command,
  metadata,
  newId = randomUUID,
}: HandleCommandInput<State, C, E>): Promise<CommandOutcome> => {
  const history = await store.readStream(streamId);
  const last = history.at(-1);
  const earlier = history.filter((event) => event.metadata.commandId === command.metadata.commandId);
  if (earlier.length > 0) return outcomeOf(earlier);

  const state = fold(
    decider,
    history.map((event) => asDomainEvent<E>(event)),
  );
  const decided = decider.decide(command, state);
  if (decided.length === 0) {
    return { events: [], nextExpectedVersion: last?.version ?? -1, position: last?.position ?? 0n };
  }
  const { commandId, correlationId } = command.metadata;
  const stamped = { ...metadata, commandId, correlationId: correlationId ?? commandId, causationId: commandId };
  const events = decided.map((event) => ({ id: newId(), type: event.type, data: event.data, metadata: stamped }));
  const appended = await store.appendToStream(streamId, events, last?.version ?? 'no_stream');
  const firstVersion = appended.nextExpectedVersion - events.length + 1;
  return {
    events: events.map((event, index) => ({ ...event, streamId, version: firstVersion + index })),
    nextExpectedVersion: appended.nextExpectedVersion,
    position: appended.position,
  };
};

/** The current state of one stream, for a caller that needs to look before it commands. */
export const readState = async <State, E extends Event>(
  store: EventStore,
  decider: Decider<State, never, E>,
  streamId: string,
): Promise<State> =>
  fold(
    decider,
    (await store.readStream(streamId)).map((event) => asDomainEvent<E>(event)),
  );

// The store keeps what the decider emitted, so the recorded type and data are that event again.
const asDomainEvent = <E extends Event>(event: RecordedEvent): E => ({ type: event.type, data: event.data }) as E;

const outcomeOf = (events: RecordedEvent[]): CommandOutcome => {
  const last = events.at(-1)!;
  return { events, nextExpectedVersion: last.version, position: last.position };
};

// Exponential with full jitter, so writers that collided do not collide again in lockstep.
const backoffWithJitter = (attempt: number): number => Math.random() * Math.min(200, 10 * 2 ** attempt);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

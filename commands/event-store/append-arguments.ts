import type { ExpectedVersion, NewEvent } from './event-store.ts';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AppendArgumentRules {
  /** The most events one append may carry, for a store that has a limit. */
  maxEvents?: number;
  /** The store's error for an event id that appears twice in one append. */
  duplicateId: (streamId: string, detail: string) => Error;
}

/**
 * The refusals every store makes before anything reaches its server: a writer's mistakes (no stream id,
 * an expected version that is none, an event without a UUID id or a type, one id twice), never a
 * conflict with what is stored.
 */
export const checkAppendArguments = (
  streamId: string,
  events: NewEvent[],
  expected: ExpectedVersion,
  { maxEvents, duplicateId }: AppendArgumentRules,
): void => {
  if (typeof streamId !== 'string' || streamId.length === 0) throw new TypeError('streamId must be a non-empty string');
  if (expected !== 'any' && expected !== 'no_stream' && !(Number.isSafeInteger(expected) && expected >= 0)) {
    throw new RangeError(
      `stream ${streamId}: expected version must be 'any', 'no_stream' or an integer >= 0, got ${String(expected)}`,
    );
  }
  if (maxEvents !== undefined && events.length > maxEvents) {
    throw new RangeError(`stream ${streamId}: at most ${maxEvents} events per append, got ${events.length}`);
  }
  const ids = new Set<string>();
  for (const event of events) {
    if (typeof event.id !== 'string' || !uuidPattern.test(event.id)) {
      throw new TypeError(`stream ${streamId}: event id must be a UUID, got ${String(event.id)}`);
    }
    if (typeof event.type !== 'string' || event.type.length === 0) {
      throw new TypeError(`stream ${streamId}: event ${event.id} needs a non-empty type`);
    }
    const id = event.id.toLowerCase();
    if (ids.has(id)) throw duplicateId(streamId, `event id ${event.id} appears twice in one append`);
    ids.add(id);
  }
};

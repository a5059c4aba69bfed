import type { EventStore } from './event-store/event-store.ts';

/** The versions a command's events occupy in a stream. */
export interface CommandVersions {
  from: number;
  to: number;
}

/** A stream folded up to `version`: the handler reads only what was appended after it. */
export interface FoldedStream<State> {
  /** -1 for a stream with no events. */
  version: number;
  position: bigint;
  state: State;
  /**
   * Which versions each command id wrote. Shared between successive folds of one stream and only
   * ever added to: every entry is a fact about the stream, true whichever fold recorded it.
   */
  commands: Map<string, CommandVersions>;
}

/**
 * Folded stream states of one store, least recently used dropped first. Without it, every command
 * re-reads and re-folds its whole stream, and a popular SKU's stream (one event per reservation)
 * makes every order slower than the one before. A cache miss costs a full read; it never changes
 * an outcome, because the tail is always read from the store before deciding.
 */
export class FoldedStreamCache {
  private readonly entries = new Map<string, FoldedStream<unknown>>();

  constructor(private readonly capacity = 5_000) {}

  get<State>(streamId: string): FoldedStream<State> | undefined {
    const entry = this.entries.get(streamId);
    if (!entry) return undefined;
    this.entries.delete(streamId);
    this.entries.set(streamId, entry);
    return entry as FoldedStream<State>;
  }

  /** Keeps the newer of what is cached and what is offered: concurrent commands may finish out of order. */
  remember<State>(streamId: string, folded: FoldedStream<State>): void {
    const current = this.entries.get(streamId);
    if (current && current.version >= folded.version) return;
    this.entries.delete(streamId);
    this.entries.set(streamId, folded);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}

const caches = new WeakMap<EventStore, FoldedStreamCache>();

export const foldedStreamCacheOf = (store: EventStore): FoldedStreamCache => {
  let cache = caches.get(store);
  if (!cache) {
    cache = new FoldedStreamCache();
    caches.set(store, cache);
  }
  return cache;
};

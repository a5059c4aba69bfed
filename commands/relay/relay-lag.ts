import type { EventStore } from '../event-store/event-store.ts';
import type { RelayCheckpoint } from './relay-checkpoint.ts';

export interface RelayLag {
  /** Events stored but not yet acknowledged by Kafka, counted up to `countLimit` (then `countLimit`+). */
  events: number;
  /** True when there were more than `countLimit`. */
  atLeast: boolean;
  /** How long the oldest unpublished event has waited; 0 when none waits. */
  seconds: number;
  oldestUnpublishedAt?: string;
}

/**
 * How far the relay is behind the store, read from the store and the checkpoint, not from the relay: a relay
 * that died shows a growing lag here, where Kafka's consumer lag would only show zero.
 */
export const relayLag = async (
  store: EventStore,
  checkpoint: RelayCheckpoint,
  { countLimit = 1_000, now = new Date() }: { countLimit?: number; now?: Date } = {},
): Promise<RelayLag> => {
  const position = await checkpoint.load();
  const waiting = await store.readAll({ after: position, limit: countLimit + 1 });
  const oldest = waiting[0];
  if (!oldest) return { events: 0, atLeast: false, seconds: 0 };
  return {
    events: Math.min(waiting.length, countLimit),
    atLeast: waiting.length > countLimit,
    seconds: Math.max(0, (now.getTime() - oldest.recordedAt.getTime()) / 1000),
    oldestUnpublishedAt: oldest.recordedAt.toISOString(),
  };
};

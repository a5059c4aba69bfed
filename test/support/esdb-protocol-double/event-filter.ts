import type { streamsPb } from './generated.ts';
import type { StoredEvent } from './in-memory-log.ts';

export type EventFilter = (event: StoredEvent) => boolean;

/** Streams a read of `$all` never returns, filtered or not (the server's default `$all` filter). */
const hiddenStreamPrefixes = ['$epoch-information', '$persistentsubscription-$all::'];

const visibleInAll: EventFilter = (event) => !hiddenStreamPrefixes.some((prefix) => event.streamId.startsWith(prefix));

/**
 * A filter as the server builds it from `FilterOptions`: a regex when one is given (searched, not
 * anchored, like .NET `Regex.IsMatch`), otherwise any of the prefixes; on the stream name or the event type.
 */
export const eventFilterOf = (options: streamsPb.ReadReq.Options.FilterOptions | undefined): EventFilter => {
  if (!options) return visibleInAll;
  const onStream = options.hasStreamIdentifier();
  const expression = onStream ? options.getStreamIdentifier() : options.getEventType();
  if (!expression) throw new Error('a filter needs a stream identifier or an event type expression');
  const field = (event: StoredEvent) => (onStream ? event.streamId : event.type);
  const regex = expression.getRegex();
  const matches: (value: string) => boolean =
    regex !== ''
      ? (value) => new RegExp(regex).test(value)
      : (value) => expression.getPrefixList().some((prefix) => value.startsWith(prefix));
  return (event) => visibleInAll(event) && matches(field(event));
};

/** The server's default search window when the client asks for `count` instead of a maximum. */
export const defaultMaxSearchWindow = 32;

/** Considered (not only matching) events between two checkpoints of a filtered subscription. */
export const checkpointIntervalOf = (options: streamsPb.ReadReq.Options.FilterOptions | undefined): number => {
  if (!options) return Number.POSITIVE_INFINITY;
  const window = options.hasMax() ? options.getMax() : defaultMaxSearchWindow;
  return Math.max(1, options.getCheckpointintervalmultiplier()) * window;
};

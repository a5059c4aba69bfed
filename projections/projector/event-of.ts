import type { Event } from '../../domain/message.ts';
import { PoisonMessageError } from '../../platform/kafka/failure.ts';
import type { EventEnvelope } from '../../schemas/kafka-envelope.ts';

/**
 * Narrows an envelope to the event union a projection handles. A type outside it (a new event on
 * the topic that nobody taught this projection) can never be applied, so it is poison.
 */
export const eventOf = <E extends Event>(envelope: EventEnvelope, types: readonly E['type'][]): E => {
  if (!types.some((type) => type === envelope.type)) {
    throw new PoisonMessageError(`no handler for event type ${envelope.type} (stream ${envelope.streamId})`);
  }
  return { type: envelope.type, data: envelope.data } as E;
};

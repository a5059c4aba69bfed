/**
 * Thrown when some of the events' ids are stored already but not exactly as this append would store them
 * (only part of the batch, or in another stream). A retry must resend the same events to the same stream;
 * anything else is a bug in the writer, so no caller should retry on this.
 */
export class EventIdConflictError extends Error {
  constructor(
    readonly streamId: string,
    detail: string,
  ) {
    super(`stream ${streamId}: ${detail}`);
    this.name = 'EventIdConflictError';
  }
}

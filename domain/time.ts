import { validationError } from './errors.ts';

export const hoursToMilliseconds = (hours: number): number => hours * 60 * 60 * 1000;

/** Milliseconds from one ISO instant to another; a malformed instant is a caller bug surfaced as 400. */
export const millisecondsBetween = (fromIso: string, toIso: string): number => {
  const from = Date.parse(fromIso);
  const to = Date.parse(toIso);
  if (Number.isNaN(from) || Number.isNaN(to)) {
    throw validationError(`not an ISO instant: ${Number.isNaN(from) ? fromIso : toIso}`, [
      { field: 'metadata.now', message: 'must be an ISO-8601 instant' },
    ]);
  }
  return to - from;
};

import { validationError } from '../../domain/errors.ts';

/**
 * Lists page newest first by `(timestamp, id)`. The cursor is the last row's key, opaque to clients
 * (base64url JSON); the timestamp keeps PostgreSQL's microseconds so no row is skipped or repeated.
 */
export interface KeysetPosition {
  /** ISO-8601 with microseconds, as `keysetTimestampSql` renders it. */
  at: string;
  id: string;
}

export interface Page<T> {
  items: T[];
  /** Absent on the last page. */
  nextCursor?: string;
}

export const maxPageLimit = 200;

/** SQL rendering a timestamptz column as the cursor's exact UTC text. */
export const keysetTimestampSql = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export const encodeKeysetCursor = ({ at, id }: KeysetPosition): string =>
  Buffer.from(JSON.stringify([at, id]), 'utf8').toString('base64url');

const badCursor = () =>
  validationError('the cursor is not one this API issued', [
    { field: 'cursor', message: 'must be a nextCursor from an earlier page' },
  ]);

/** Throws a validation error (400) for anything that is not a cursor this API issued. */
export const decodeKeysetCursor = (cursor: string): KeysetPosition => {
  if (!/^[A-Za-z0-9_-]{1,800}$/.test(cursor)) throw badCursor();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw badCursor();
  const [at, id] = parsed as unknown[];
  if (typeof at !== 'string' || typeof id !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(at)) {
    throw badCursor();
  }
  return { at, id };
};

export const checkPageLimit = (limit: number): number => {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > maxPageLimit) {
    throw validationError('limit is out of range', [
      { field: 'limit', message: `must be an integer from 1 to ${maxPageLimit}` },
    ]);
  }
  return limit;
};

/** Fetch `limit + 1` rows; the extra one only says whether another page follows. */
export const pageOf = <Row, T>(
  rows: Row[],
  limit: number,
  view: (row: Row) => T,
  keyOf: (row: Row) => KeysetPosition,
): Page<T> => {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return rows.length > limit && last
    ? { items: items.map(view), nextCursor: encodeKeysetCursor(keyOf(last)) }
    : { items: items.map(view) };
};

import type { QueryResultRow } from 'pg';
import { validationError } from '../../domain/errors.ts';
import type { Queryable } from './projection.ts';

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

/** A real UTC instant PostgreSQL can compare (month 13 or year 0 would fail the query, not the request). */
const isCursorTimestamp = (at: string): boolean => {
  const parts = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.\d{6}Z$/.exec(at);
  if (!parts) return false;
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number) as number[];
  const date = new Date(Date.UTC(year!, month! - 1, day!, hour, minute, second));
  return (
    year! >= 1 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month! - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  );
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const isPrintable = (text: string) => !/[\u0000-\u001f\u007f]|[\uD800-\uDFFF]/.test(text);

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
  if (typeof at !== 'string' || typeof id !== 'string' || !isCursorTimestamp(at) || !isPrintable(id)) {
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

/** Throws a validation error (400) naming `field` when a filter value is not one of `allowed`. */
export const checkFilterValue = <T extends string>(
  value: T | undefined,
  allowed: readonly T[],
  field: string,
  message: string,
): void => {
  if (value !== undefined && !allowed.includes(value)) {
    throw validationError(message, [{ field, message: `must be one of ${allowed.join(', ')}` }]);
  }
};

export interface KeysetListing<Row, T> {
  /** `SELECT <columns> FROM <table>`; the columns must include what `keyOf` reads. */
  select: string;
  /** Column equality filters (column names from code, never from a request); an undefined value filters nothing. */
  equal: Record<string, unknown>;
  /** The timestamptz column and the unique id column the list is ordered by, newest first. */
  orderBy: { at: string; id: string };
  /** Already checked with `checkPageLimit`, so that callers decide which bad input is reported first. */
  limit: number;
  cursor?: string;
  view: (row: Row) => T;
  keyOf: (row: Row) => KeysetPosition;
}

/** One page of a list, newest first, continuing after `cursor`. Throws a validation error (400) for a bad cursor. */
export const keysetPage = async <Row extends QueryResultRow, T>(
  db: Queryable,
  { select, equal, orderBy, limit, cursor, view, keyOf }: KeysetListing<Row, T>,
): Promise<Page<T>> => {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  for (const [column, value] of Object.entries(equal)) {
    if (value !== undefined) conditions.push(`${column} = ${param(value)}`);
  }
  if (cursor !== undefined) {
    const after = decodeKeysetCursor(cursor);
    conditions.push(`(${orderBy.at}, ${orderBy.id}) < (${param(after.at)}::timestamptz, ${param(after.id)})`);
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const { rows } = await db.query<Row>(
    `${select} ${where}
      ORDER BY ${orderBy.at} DESC, ${orderBy.id} DESC LIMIT ${param(limit + 1)}`,
    params,
  );
  return pageOf(rows, limit, view, keyOf);
};

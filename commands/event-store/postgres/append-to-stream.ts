import type pg from 'pg';
import { assertNever } from '../../../domain/decider.ts';
import { checkAppendArguments } from '../append-arguments.ts';
import { type AppendResult, type ExpectedVersion, type NewEvent, WrongExpectedVersionError } from '../event-store.ts';
import { EventIdConflictError } from './event-id-conflict-error.ts';

/** A pool, or one client of it (inside a transaction of the caller's own). */
export type Queryable = Pick<pg.Pool, 'query'>;

/** The events' positions are `(transaction id << 16) + index`, so one transaction holds at most this many. */
export const maxEventsPerAppend = 65_536;

/** What `event_store_append` answers, and `event_store_append_batch` for each append of a batch. */
export interface AppendRow {
  outcome: 'appended' | 'duplicate' | 'unchanged' | 'wrong_expected_version' | 'event_ids_conflict';
  stream_version: string | null;
  last_position: string | null;
  detail: string | null;
}

/**
 * One append in one round trip: the `event_store_append` function (deploy/migrations/001_event_store.sql)
 * checks the expected version under the stream's row lock, answers a repeat of the same event ids with the
 * earlier result, and inserts the batch. On a pool it is its own transaction; on a client it joins the
 * client's open transaction.
 */
export const appendToStream = async (
  db: Queryable,
  streamId: string,
  events: NewEvent[],
  expected: ExpectedVersion,
): Promise<AppendResult> => {
  validateAppend(streamId, events, expected);
  let row: AppendRow | undefined;
  try {
    const result = await db.query<AppendRow>({
      name: 'event_store_append',
      text: 'SELECT outcome, stream_version, last_position, detail FROM event_store_append($1, $2, $3)',
      values: [streamId, encodeExpected(expected), JSON.stringify(events.map(toStoredShape))],
    });
    row = result.rows[0];
  } catch (error) {
    throw await translateUniqueViolation(db, error, streamId, expected);
  }
  if (!row) throw new Error(`stream ${streamId}: event_store_append returned no row`);
  return appendResultOf(streamId, expected, row);
};

/** The result of an append from the function's answer; a refusal becomes the port's error. */
export const appendResultOf = (streamId: string, expected: ExpectedVersion, row: AppendRow): AppendResult => {
  switch (row.outcome) {
    case 'appended':
    case 'duplicate':
    case 'unchanged':
      return { nextExpectedVersion: Number(row.stream_version), position: BigInt(row.last_position ?? -1) };
    case 'wrong_expected_version':
      throw new WrongExpectedVersionError(streamId, expected, actualVersion(Number(row.stream_version)));
    case 'event_ids_conflict':
      throw new EventIdConflictError(streamId, `${row.detail}; a retry must resend exactly the same events`);
    default:
      return assertNever(row.outcome);
  }
};

/** An event as the append functions read it from their jsonb argument. */
export const toStoredShape = (event: NewEvent) => ({
  id: event.id,
  type: event.type,
  data: event.data ?? null,
  metadata: event.metadata ?? {},
});

/** The functions' encoding: NULL = any, -1 = no stream, n = last version. */
export const encodeExpected = (expected: ExpectedVersion): number | null => {
  if (expected === 'any') return null;
  if (expected === 'no_stream') return -1;
  return expected;
};

const actualVersion = (version: number): number | 'no_stream' => (version < 0 ? 'no_stream' : version);

export const validateAppend = (streamId: string, events: NewEvent[], expected: ExpectedVersion): void =>
  checkAppendArguments(streamId, events, expected, {
    maxEvents: maxEventsPerAppend,
    duplicateId: (stream, detail) => new EventIdConflictError(stream, detail),
  });

/**
 * The function's row lock makes these unreachable for writers that go through it; they remain the last line
 * of defence (a writer that inserts by hand, or two streams racing for the same event id).
 */
const translateUniqueViolation = async (
  db: Queryable,
  error: unknown,
  streamId: string,
  expected: ExpectedVersion,
): Promise<unknown> => {
  const { code, constraint } = (error ?? {}) as { code?: string; constraint?: string };
  if (code !== '23505') return error;
  if (constraint === 'events_event_id_unique') {
    return new EventIdConflictError(streamId, 'an event id is already stored in another stream');
  }
  if (constraint === 'events_stream_version_unique' || constraint === 'streams_pkey') {
    const current = await db
      .query<{ version: string }>('SELECT max(version) AS version FROM events WHERE stream_id = $1', [streamId])
      .then((result) => result.rows[0]?.version ?? null)
      .catch(() => null);
    return new WrongExpectedVersionError(streamId, expected, current === null ? 'no_stream' : Number(current));
  }
  return error;
};

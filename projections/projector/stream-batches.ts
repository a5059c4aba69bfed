import type { EventEnvelope } from '../../schemas/kafka-envelope.ts';

/**
 * A partition batch's envelopes grouped by stream, each group in the order it came (a stream lives on one
 * partition, in version order). A batch writer folds each group into one row change, so a table takes one
 * statement per batch however many events a stream had in it.
 */
export const byStream = (envelopes: readonly EventEnvelope[]): EventEnvelope[][] => {
  const streams = new Map<string, EventEnvelope[]>();
  for (const envelope of envelopes) {
    const events = streams.get(envelope.streamId);
    if (events) events.push(envelope);
    else streams.set(envelope.streamId, [envelope]);
  }
  return [...streams.values()];
};

/** Column arrays for `unnest($1::t1[], $2::t2[], ...)`: one array per column, one element per row. */
export const columnsOf = <Row>(rows: readonly Row[], columns: readonly ((row: Row) => unknown)[]): unknown[][] =>
  columns.map((column) => rows.map(column));

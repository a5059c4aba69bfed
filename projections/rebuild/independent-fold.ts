import type { EventEnvelope } from '../../schemas/kafka-envelope.ts';
import { type ComparableRow, canonicalJson } from './model-checksum.ts';

/** What a fold needs of an event: the same decoded data the projector gets, without its code. */
export interface FoldEvent {
  type: string;
  streamId: string;
  version: number;
  recordedAt: string;
  data: unknown;
  /** Who caused it through an API (`actor-subject`/`actor-role` headers); absent for the system's own reactions. */
  actor?: { subject: string; role: string };
}

export const foldEventOf = (envelope: EventEnvelope): FoldEvent => ({
  type: envelope.type,
  streamId: envelope.streamId,
  version: envelope.streamVersion,
  recordedAt: envelope.recordedAt,
  data: envelope.data,
  ...(envelope.actorSubject ? { actor: { subject: envelope.actorSubject, role: envelope.actorRole ?? 'none' } } : {}),
});

/**
 * A second, deliberately simple computation of a read model: an in-memory map folded from the same
 * events, written from the read model's documented rules and sharing no code with its SQL handler.
 * A rebuild only swaps a shadow in when the table and this fold agree row for row.
 */
export interface IndependentFold {
  apply(event: FoldEvent): void;
  /** id -> canonical JSON of the row the table must hold. */
  model(): Map<string, string>;
}

/** How one read model's table is read back and folded independently. */
export interface ReadModelShape {
  /** Primary-key column (text). */
  key: string;
  /** The columns the comparison reads. */
  columns: readonly string[];
  /** A table row in the fold's shape. */
  fromTable(row: Record<string, unknown>): ComparableRow;
  newFold(): IndependentFold;
}

/** A fold over rows keyed by id whose state is kept as plain comparable values. */
export const mapFold = <Row extends object>(
  apply: (rows: Map<string, Row>, event: FoldEvent) => void,
  /** The row in the table's shape (for speed, give its keys in alphabetical order). */
  toComparable: (row: Row) => ComparableRow,
): IndependentFold => {
  const rows = new Map<string, Row>();
  return {
    apply: (event) => apply(rows, event),
    model: () => new Map(Array.from(rows, ([id, row]) => [id, canonicalJson(toComparable(row))])),
  };
};

/** Numbers from bigint columns arrive as text. */
export const numberOf = (value: unknown): number => Number(value);

export const textOrNull = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value);

/** A jsonb value from pg, as canonical text. */
export const jsonText = (value: unknown): string => canonicalJson(value);

export const instantOrNull = (value: unknown): string | null =>
  value === null || value === undefined ? null : new Date(value as string | Date).toISOString();

import { createHash } from 'node:crypto';

/**
 * A read-model row reduced to plain values: jsonb columns as canonical JSON text, timestamps as ISO-8601
 * (milliseconds), bigints as numbers. Rows from the table and rows from the independent fold are both
 * brought to this shape, so equal models give equal lines whatever their key order or driver types.
 */
export type ComparableRow = Record<string, string | number | boolean | null>;

/** JSON with object keys sorted at every level (undefined fields left out): the same value always gives the same text. */
export const canonicalJson = (value: unknown): string => JSON.stringify(sortKeys(value));

/** The value itself when it is already canonical (rows are built with sorted keys), else a sorted copy. */
const sortKeys = (value: unknown): unknown => {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, index) => {
      const sorted = sortKeys(item);
      if (sorted !== item) {
        copy ??= [...value];
        copy[index] = sorted;
      }
    });
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let canonical = true;
  for (let index = 0; index < keys.length && canonical; index++) {
    const field = record[keys[index]!];
    if ((index > 0 && keys[index - 1]! > keys[index]!) || field === undefined || sortKeys(field) !== field) {
      canonical = false;
    }
  }
  if (canonical) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of keys.sort()) {
    const field = record[key];
    if (field !== undefined) sorted[key] = sortKeys(field);
  }
  return sorted;
};

/** An instant as ISO-8601 UTC with milliseconds (what both a `Date` from pg and an event's text become). */
export const isoInstant = (value: string | Date): string => new Date(value).toISOString();

export interface ModelSummary {
  rows: number;
  /** `sha256:<hex>` of the rows in id order, each `id<TAB>canonical row JSON<LF>`. */
  checksum: string;
}

/** The model's checksum: independent of the order rows were read or folded in. */
export const checksumOf = (model: ReadonlyMap<string, string>): ModelSummary => {
  const ids = [...model.keys()].sort();
  const hash = createHash('sha256');
  for (const id of ids) hash.update(id).update('\t').update(model.get(id)!).update('\n');
  return { rows: ids.length, checksum: `sha256:${hash.digest('hex')}` };
};

export interface RowDifference {
  id: string;
  /** What the table holds; undefined when the row is missing. */
  actual?: string;
  /** What the fold of the events says; undefined when the row should not exist. */
  expected?: string;
}

export interface ModelComparison {
  actual: ModelSummary;
  expected: ModelSummary;
  matches: boolean;
  /** How many rows differ (missing, extra or different). */
  differing: number;
  /** The first few of them, for the operator. */
  examples: RowDifference[];
}

/** Compares two models given as id -> canonical row JSON. */
export const compareModels = (
  actual: ReadonlyMap<string, string>,
  expected: ReadonlyMap<string, string>,
  maxExamples = 5,
): ModelComparison => {
  const examples: RowDifference[] = [];
  let differing = 0;
  const note = (difference: RowDifference) => {
    differing += 1;
    if (examples.length < maxExamples) examples.push(difference);
  };
  for (const [id, wanted] of expected) {
    const found = actual.get(id);
    if (found !== wanted)
      note(found === undefined ? { id, expected: wanted } : { id, actual: found, expected: wanted });
  }
  for (const [id, found] of actual) if (!expected.has(id)) note({ id, actual: found });
  const actualSummary = checksumOf(actual);
  const expectedSummary = checksumOf(expected);
  return {
    actual: actualSummary,
    expected: expectedSummary,
    matches: differing === 0 && actualSummary.checksum === expectedSummary.checksum,
    differing,
    examples,
  };
};

/** A value a rebuild cannot write as an SQL literal (the batch is then applied with bound parameters). */
export class NoLiteral extends Error {}

/**
 * `value` as an SQL literal, strings quoted by the driver's own escaping: the arguments of an
 * `EXECUTE statement(...)` sent many to a round trip. Negative numbers are parenthesised.
 */
export const literalOf = (value: unknown, quote: (text: string) => string): string => {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new NoLiteral(`not a finite number: ${value}`);
    return value < 0 ? `(${value})` : String(value);
  }
  if (typeof value === 'bigint') return value < 0n ? `(${value})` : String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'string') return quote(value);
  if (value instanceof Date) return quote(value.toISOString());
  throw new NoLiteral(`cannot write a ${typeof value} as a literal`);
};

import type { Queryable } from './projection.ts';
import { sqlIdentifier } from './sql-identifier.ts';

/**
 * The stream version a read-model row reflects (its `version` column), found by the row's key;
 * undefined while the table has no row for the key.
 */
export const rowVersion = async (
  db: Queryable,
  table: string,
  keyColumn: string,
  key: string,
): Promise<number | undefined> => {
  const { rows } = await db.query<{ version: string }>(
    `SELECT version FROM ${sqlIdentifier(table)} WHERE ${sqlIdentifier(keyColumn)} = $1`,
    [key],
  );
  return rows[0] ? Number(rows[0].version) : undefined;
};

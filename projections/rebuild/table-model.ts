import type { Queryable } from '../projector/projection.ts';
import { sqlIdentifier } from '../projector/sql-identifier.ts';
import type { ReadModelShape } from './independent-fold.ts';
import { canonicalJson } from './model-checksum.ts';

/** A table's rows as id -> canonical row JSON, read in key order a page at a time. */
export const readTableModel = async (
  db: Queryable,
  table: string,
  shape: ReadModelShape,
  onRows?: (count: number) => void,
  pageSize = 20_000,
): Promise<Map<string, string>> => {
  const model = new Map<string, string>();
  const key = sqlIdentifier(shape.key);
  const columns = shape.columns.map(sqlIdentifier).join(', ');
  let after: string | undefined;
  for (;;) {
    const { rows } = await db.query<Record<string, unknown>>(
      `SELECT ${columns} FROM ${sqlIdentifier(table)} ${after === undefined ? '' : `WHERE ${key} > $2`}
        ORDER BY ${key} LIMIT $1`,
      after === undefined ? [pageSize] : [pageSize, after],
    );
    for (const row of rows) model.set(String(row[shape.key]), canonicalJson(shape.fromTable(row)));
    onRows?.(model.size);
    if (rows.length < pageSize) return model;
    after = String(rows.at(-1)![shape.key]);
  }
};

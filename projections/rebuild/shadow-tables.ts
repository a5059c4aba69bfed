import type pg from 'pg';
import type { Queryable } from '../projector/projection.ts';
import { sqlIdentifier } from '../projector/sql-identifier.ts';

/** `read_orders__shadow_<runId>`: where a rebuild writes while the live table keeps serving. */
export const shadowTableName = (table: string, runId: string): string => `${table}__shadow_${runId}`;

/** What the live table is renamed to inside the swap, just before it is dropped. */
export const retiredTableName = (table: string, runId: string): string => `${table}__old_${runId}`;

const shadowMarkers = ['__shadow_', '__old_'];

/** An index of the live table and the name its shadow copy has until the swap. */
export interface IndexCopy {
  liveName: string;
  shadowName: string;
  /** `CREATE INDEX` for the shadow. */
  create: string;
  /** Set for a primary key or unique constraint: it is created with the table, before any row. */
  constraint?: string;
}

interface IndexRow {
  name: string;
  definition: string;
  constraint_name: string | null;
  constraint_definition: string | null;
}

const indexDefinition = /^CREATE (UNIQUE )?INDEX \S+ ON (?:ONLY )?\S+ USING (.+)$/;

export const tableExists = async (db: Queryable, table: string): Promise<boolean> => {
  const { rows } = await db.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [
    sqlIdentifier(table),
  ]);
  return rows[0]?.exists === true;
};

/** The live table's indexes, each with the name and statement of its shadow copy. */
export const indexCopies = async (db: Queryable, table: string, shadow: string): Promise<IndexCopy[]> => {
  const { rows } = await db.query<IndexRow>(
    `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition,
            c.conname AS constraint_name, pg_get_constraintdef(c.oid) AS constraint_definition
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       LEFT JOIN pg_constraint c ON c.conindid = i.oid AND c.conrelid = x.indrelid AND c.contype IN ('p', 'u')
      WHERE x.indrelid = to_regclass($1)
      ORDER BY i.relname`,
    [sqlIdentifier(table)],
  );
  return rows.map((row, index) => {
    const shadowName = `${shadow}_i${index}`;
    const parsed = indexDefinition.exec(row.definition);
    if (!parsed) throw new Error(`cannot copy index ${row.name}: unexpected definition "${row.definition}"`);
    return {
      liveName: row.name,
      shadowName,
      create: `CREATE ${parsed[1] ?? ''}INDEX ${sqlIdentifier(shadowName)} ON ${sqlIdentifier(shadow)} USING ${parsed[2]}`,
      ...(row.constraint_definition
        ? {
            constraint: `ALTER TABLE ${sqlIdentifier(shadow)} ADD CONSTRAINT ${sqlIdentifier(shadowName)} ${row.constraint_definition}`,
          }
        : {}),
    };
  });
};

/**
 * Creates the shadow with the live table's columns, defaults, checks and grants and its key constraints
 * (the projector's upserts need them), but not its other indexes: those are built once the rows are in,
 * which is much faster than keeping them up to date row by row.
 */
export const createShadowTable = async (db: Queryable, table: string, shadow: string): Promise<IndexCopy[]> => {
  const copies = await indexCopies(db, table, shadow);
  await db.query(
    `CREATE TABLE ${sqlIdentifier(shadow)} (LIKE ${sqlIdentifier(table)} INCLUDING ALL EXCLUDING INDEXES)`,
  );
  for (const copy of copies) if (copy.constraint) await db.query(copy.constraint);
  await copyGrants(db, table, shadow);
  return copies;
};

/** The secondary indexes, after the rows are in. */
export const createShadowIndexes = async (db: Queryable, copies: readonly IndexCopy[]): Promise<void> => {
  for (const copy of copies) if (!copy.constraint) await db.query(copy.create);
};

/** Whoever could read the live table can read the swapped-in one (the query API's role, say). */
const copyGrants = async (db: Queryable, table: string, shadow: string): Promise<void> => {
  const { rows } = await db.query<{ grantee: string; privilege: string }>(
    `SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END AS grantee, a.privilege_type AS privilege
       FROM pg_class c
       CROSS JOIN LATERAL aclexplode(c.relacl) a
       LEFT JOIN pg_roles r ON r.oid = a.grantee
      WHERE c.oid = to_regclass($1) AND a.grantee <> c.relowner`,
    [sqlIdentifier(table)],
  );
  for (const { grantee, privilege } of rows) {
    if (!/^[A-Z ]+$/.test(privilege)) continue;
    await db.query(`GRANT ${privilege} ON ${sqlIdentifier(shadow)} TO ${grantee}`);
  }
};

export const dropTable = async (db: Queryable, table: string): Promise<void> => {
  await db.query(`DROP TABLE IF EXISTS ${sqlIdentifier(table)}`);
};

/** Shadows and retired tables of `table` in the current schema (left behind by a rebuild that was killed). */
export const leftoverTables = async (db: Queryable, table: string): Promise<string[]> => {
  const { rows } = await db.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables
      WHERE schemaname = current_schema() AND (starts_with(tablename, $1) OR starts_with(tablename, $2))
      ORDER BY tablename`,
    shadowMarkers.map((marker) => `${table}${marker}`),
  );
  return rows.map((row) => row.name);
};

/**
 * Inside the caller's transaction, which holds ACCESS EXCLUSIVE on the live table: the live table is
 * renamed away and dropped, the shadow and its indexes take the live names. Readers waiting on the lock
 * look the name up again once it is released, so they read the new table, never a half of either.
 */
export const swapTables = async (
  tx: pg.PoolClient,
  {
    table,
    shadow,
    retired,
    indexes,
  }: { table: string; shadow: string; retired: string; indexes: readonly IndexCopy[] },
): Promise<void> => {
  await tx.query(`ALTER TABLE ${sqlIdentifier(table)} RENAME TO ${sqlIdentifier(retired)}`);
  await tx.query(`DROP TABLE ${sqlIdentifier(retired)}`);
  await tx.query(`ALTER TABLE ${sqlIdentifier(shadow)} RENAME TO ${sqlIdentifier(table)}`);
  // Renaming the index of a key constraint renames the constraint with it.
  for (const index of indexes) {
    await tx.query(`ALTER INDEX ${sqlIdentifier(index.shadowName)} RENAME TO ${sqlIdentifier(index.liveName)}`);
  }
};

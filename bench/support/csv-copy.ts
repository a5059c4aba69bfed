import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import type { Queryable } from '../../projections/projector/projection.ts';
import { sqlIdentifier } from '../../projections/projector/sql-identifier.ts';

/** Every column as PostgreSQL's own text output, so the CSV holds exactly what `COPY ... TO` would write. */
const asServerText = { getTypeParser: () => (text: string) => text } as unknown as pg.CustomTypesConfig;

// In CSV format an unquoted empty field is NULL and a quoted one the empty string.
const csvField = (value: string | null): string => (value === null ? '' : `"${value.replaceAll('"', '""')}"`);

/** A file name as an SQL or psql string literal; our temp paths never hold a quote, so one is refused. */
const quotedPath = (file: string): string => {
  if (file.includes("'") || file.includes('\\')) throw new Error(`cannot quote the path ${file}`);
  return `'${file}'`;
};

/** Writes a table's rows, in its column order, to `file` as CSV; answers how many rows. */
export const exportTableCsv = async (db: Queryable, table: string, file: string): Promise<number> => {
  const { rows } = await db.query<(string | null)[]>({
    text: `SELECT * FROM ${sqlIdentifier(table)}`,
    rowMode: 'array',
    types: asServerText,
  });
  const out = createWriteStream(file, { mode: 0o644 });
  for (const row of rows) {
    if (!out.write(`${row.map(csvField).join(',')}\n`))
      await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  out.end();
  await finished(out);
  return rows.length;
};

/**
 * `server`: `COPY <table> FROM '<file>'`, read by the server itself (needs the server on this machine
 * and a superuser or pg_read_server_files). `psql`: `\copy` in a psql child, the client sending the file.
 */
export type CopyMethod = 'server' | 'psql';

/** Server-side COPY when the server may read our files, else psql's `\copy`. */
export const chooseCopyMethod = async (pool: pg.Pool, dir: string): Promise<CopyMethod> => {
  const probe = join(dir, 'probe.csv');
  await writeFile(probe, '"x"\n', { mode: 0o644 });
  const client = await pool.connect();
  try {
    await client.query('CREATE TEMPORARY TABLE copy_probe (value text)');
    await client.query(`COPY copy_probe FROM ${quotedPath(probe)} (FORMAT csv)`);
    return 'server';
  } catch (error) {
    // insufficient_privilege, or a server that cannot see the file (another machine or container).
    const code = (error as { code?: string }).code;
    if (code === '42501' || code === '58P01') return 'psql';
    throw error;
  } finally {
    await client.query('DROP TABLE IF EXISTS copy_probe').catch(() => undefined);
    client.release();
  }
};

const psqlCopy = (databaseUrl: string, schema: string, table: string, file: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const command = `\\copy ${sqlIdentifier(schema)}.${sqlIdentifier(table)} FROM ${quotedPath(file)} (FORMAT csv)`;
    const child = spawn('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-d', databaseUrl, '-c', command], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('close', (code) => {
      const copied = /COPY (\d+)/.exec(output);
      if (code === 0 && copied) resolve(Number(copied[1]));
      else reject(new Error(`psql \\copy into ${table} exited with ${code}: ${output.trim()}`));
    });
  });

export interface CopyTarget {
  method: CopyMethod;
  pool: pg.Pool;
  /** For `psql`: the server's URL and the schema the table is in. */
  databaseUrl: string;
  schema: string;
}

/** Loads a CSV file into an existing table with one COPY; answers the rows loaded. */
export const copyCsvInto = async (target: CopyTarget, table: string, file: string): Promise<number> => {
  if (target.method === 'psql') return psqlCopy(target.databaseUrl, target.schema, table, file);
  const result = await target.pool.query(`COPY ${sqlIdentifier(table)} FROM ${quotedPath(file)} (FORMAT csv)`);
  return result.rowCount ?? 0;
};

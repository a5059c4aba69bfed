import pg from 'pg';
import { uniqueName } from '../../test/support/names.ts';

/**
 * Connections a benchmark pool may open at most. The server allows 100 and other processes (tests of
 * other engineers) share it, so 64 writers share 32 connections, as a command API's pool would.
 */
export const maxBenchConnections = (): number => {
  const value = Number(process.env.BENCH_PG_MAX_CONNECTIONS ?? 32);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error('BENCH_PG_MAX_CONNECTIONS must be an integer >= 1');
  return value;
};

export interface BenchDatabase {
  name: string;
  /** The server's URL with this database in its path. */
  url: string;
  /** A pool whose unqualified table names resolve in `schema` (`public` when not given). */
  pool(options: { schema?: string; max: number }): pg.Pool;
  createSchema(schema: string): Promise<void>;
  drop(): Promise<void>;
}

const withClient = async <T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

/**
 * A database of its own on the server of `serverUrl`, for one scenario: stores that cannot be pointed
 * at a schema (Emmett creates its tables where the connection lands) still get tables of their own, and
 * dropping the database removes everything the scenario wrote.
 */
export const createBenchDatabase = async (serverUrl: string, prefix: string): Promise<BenchDatabase> => {
  const name = uniqueName(prefix).toLowerCase();
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  return {
    name,
    url: databaseUrl,
    pool: ({ schema, max }) => {
      const pool = new pg.Pool({
        connectionString: databaseUrl,
        max,
        ...(schema ? { options: `-c search_path=${schema}` } : {}),
      });
      // pool.end() resolves once it has asked its connections to close, not once they have: dropping the
      // database right after terminates them mid-close, and an unheard 'error' would end the process.
      pool.on('error', () => undefined);
      return pool;
    },
    createSchema: async (schema) => {
      await withClient(databaseUrl, (client) => client.query(`CREATE SCHEMA ${schema}`));
    },
    drop: async () => {
      await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
};

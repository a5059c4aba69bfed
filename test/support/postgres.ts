import pg from 'pg';
import { loadConfig } from '../../deploy/config.ts';
import { uniqueName } from './names.ts';

export interface TestSchema {
  schema: string;
  /** Pool whose connections resolve unqualified table names in the test's own schema. */
  pool: pg.Pool;
  poolConfig: pg.PoolConfig;
  drop(): Promise<void>;
}

/** A fresh PostgreSQL schema for one test, so tests never see each other's rows. */
export const createTestSchema = async (prefix = 't'): Promise<TestSchema> => {
  const { databaseUrl } = loadConfig();
  const schema = uniqueName(prefix).toLowerCase();
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const poolConfig: pg.PoolConfig = { connectionString: databaseUrl, options: `-c search_path=${schema}`, max: 8 };
  const pool = new pg.Pool(poolConfig);
  return {
    schema,
    pool,
    poolConfig,
    drop: async () => {
      await pool.end();
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
};

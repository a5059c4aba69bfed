import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { migrate } from '../migrate.ts';
import { findOnPath, SetupError } from './preflight.ts';
import { isPortInUse, runToCompletion, sleep, tailOf } from './processes.ts';

export interface PostgresTarget {
  host: string;
  port: number;
  database: string;
  /** The same server's `postgres` maintenance database, to probe and to create the target database. */
  adminUrl: string;
  /** host:port/database, for status lines. */
  address: string;
}

export const postgresTargetOf = (databaseUrl: string): PostgresTarget => {
  const url = new URL(databaseUrl);
  const host = url.hostname || '127.0.0.1';
  const port = Number(url.port || 5432);
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres';
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  return { host, port, database, adminUrl: admin.toString(), address: `${host}:${port}/${database}` };
};

// Generous: on a busy laptop (a JVM starting beside us) a local connection can take seconds.
const withClient = async <T>(url: string, work: (client: pg.Client) => Promise<T>, timeoutMs = 15_000): Promise<T> => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  // A server shutting down mid-probe emits 'error' on the idle client; the probe's own promise reports it.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
};

export const postgresAnswers = async (target: PostgresTarget): Promise<boolean> => {
  try {
    await withClient(target.adminUrl, (client) => client.query('SELECT 1'), 5_000);
    return true;
  } catch {
    return false;
  }
};

export const databaseExists = (target: PostgresTarget): Promise<boolean> =>
  withClient(target.adminUrl, async (client) => {
    const result = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [target.database]);
    return result.rowCount === 1;
  });

export interface LocalCluster {
  version: string;
  cluster: string;
  port: number;
}

/** The `port = N` of a postgresql.conf (5432 when it is not set). */
export const configuredPort = (postgresqlConf: string): number => {
  const match = /^\s*port\s*=\s*(\d+)/m.exec(postgresqlConf);
  return match ? Number(match[1]) : 5432;
};

/** Debian's clusters (`/etc/postgresql/<version>/main`), newest version first. */
export const localClusters = (configRoot = '/etc/postgresql'): LocalCluster[] => {
  if (!existsSync(configRoot)) return [];
  return readdirSync(configRoot)
    .filter((version) => existsSync(join(configRoot, version, 'main', 'postgresql.conf')))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => ({
      version,
      cluster: 'main',
      port: configuredPort(readFileSync(join(configRoot, version, 'main', 'postgresql.conf'), 'utf8')),
    }));
};

const isLocalHost = (host: string) => ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host);

/** The cluster `up` would start when nothing answers at DATABASE_URL; fails with what to do when there is none. */
export const planPostgresStart = async (target: PostgresTarget): Promise<LocalCluster> => {
  const fix = 'install PostgreSQL 15 (Debian: apt-get install postgresql-15) or set DATABASE_URL to a running server';
  if (!isLocalHost(target.host))
    throw new SetupError(`PostgreSQL at ${target.address} does not answer: start it or ${fix}`);
  if (await isPortInUse(target.host, target.port)) {
    throw new SetupError(
      `port ${target.port} is in use by a process that does not answer as PostgreSQL: stop it or set DATABASE_URL`,
    );
  }
  const cluster = localClusters().find((candidate) => candidate.port === target.port);
  if (!cluster || !findOnPath('pg_ctlcluster', process.env)) {
    throw new SetupError(
      `no PostgreSQL answers at ${target.address} and no local cluster uses port ${target.port}: ${fix}`,
    );
  }
  return cluster;
};

export const startPostgres = async (cluster: LocalCluster, target: PostgresTarget, runDir: string): Promise<void> => {
  const output = join(runDir, 'postgres-start.log');
  const code = await runToCompletion(
    'pg_ctlcluster',
    ['--skip-systemctl-redirect', cluster.version, cluster.cluster, 'start'],
    { cwd: runDir, outputFile: output },
  );
  if (code !== 0)
    throw new Error(`pg_ctlcluster ${cluster.version} ${cluster.cluster} start failed:\n${tailOf(output)}`);
  const deadline = Date.now() + 60_000;
  while (!(await postgresAnswers(target))) {
    if (Date.now() > deadline)
      throw new Error(`PostgreSQL ${cluster.version} started but ${target.address} does not answer`);
    await sleep(200);
  }
};

export const stopPostgres = async (cluster: { version: string; cluster: string }, runDir: string): Promise<void> => {
  const output = join(runDir, 'postgres-stop.log');
  const code = await runToCompletion(
    'pg_ctlcluster',
    ['--skip-systemctl-redirect', cluster.version, cluster.cluster, 'stop'],
    { cwd: runDir, outputFile: output },
  );
  if (code !== 0)
    throw new Error(`pg_ctlcluster ${cluster.version} ${cluster.cluster} stop failed:\n${tailOf(output)}`);
};

/** Creates the database of DATABASE_URL when missing (tolerating a concurrent creator). */
export const ensureDatabase = (target: PostgresTarget): Promise<boolean> =>
  withClient(target.adminUrl, async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [target.database]);
    if (found.rowCount === 1) return false;
    try {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(target.database)}`);
      return true;
    } catch (error) {
      // 42P04 duplicate_database, 23505 when a concurrent CREATE DATABASE won the race on pg_database.
      if (['42P04', '23505'].includes((error as { code?: string }).code ?? '')) return false;
      throw error;
    }
  });

/** Applies deploy/migrations to the database's default schema. */
export const migrateDatabase = async (databaseUrl: string): Promise<string[]> => {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1, connectionTimeoutMillis: 15_000 });
  try {
    return await migrate(pool);
  } finally {
    await pool.end();
  }
};

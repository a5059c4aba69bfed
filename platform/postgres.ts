import pg from 'pg';
import { log as defaultLog } from './logger.ts';

export interface PoolSettings {
  connectionString: string;
  /** Who opens it (`application_name`, and the `pool` field of its log lines). */
  name: string;
  max?: number;
  /** Longest wait for a connection (new or from the pool) before the caller gets an error. */
  connectTimeoutMs?: number;
  /** Server-side cap on one statement; 0 for none (migrations, rebuilds). */
  statementTimeoutMs?: number;
  /** Any other pg pool setting (`options` with a search_path, ...). */
  extra?: pg.PoolConfig;
  log?: (line: Record<string, unknown>) => void;
}

export const defaultConnectTimeoutMs = 5_000;
export const defaultStatementTimeoutMs = 30_000;

/**
 * The one way processes open PostgreSQL pools. A server restart ends every connection with an `error` event
 * (57P01 "terminating connection due to administrator command"); pg re-emits it on the pool for idle clients
 * and on the client itself for one that is checked out, and an `error` nobody listens to kills the process.
 * Both are logged here instead: the holder of a broken client sees the failure on its next query, and pg
 * drops a client that is no longer queryable when it is released. Timeouts keep a dead or stalled server
 * from holding callers forever: they get an error to retry or to answer 503 with.
 */
export const createPool = ({
  connectionString,
  name,
  max = 10,
  connectTimeoutMs = defaultConnectTimeoutMs,
  statementTimeoutMs = defaultStatementTimeoutMs,
  extra = {},
  log = defaultLog,
}: PoolSettings): pg.Pool => {
  const pool = new pg.Pool({
    connectionString,
    application_name: name,
    max,
    connectionTimeoutMillis: connectTimeoutMs,
    ...(statementTimeoutMs > 0 ? { statement_timeout: statementTimeoutMs } : {}),
    // A half-open TCP connection (a server that vanished without a FIN) is noticed instead of waited on.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    ...extra,
  });
  let reported = 0;
  const report = (error: Error) => {
    // One line per burst: a restart drops every connection of the pool at once.
    if (Date.now() - reported < 1_000) return;
    reported = Date.now();
    log({ level: 'warn', msg: 'postgres connection lost', pool: name, error: error.message });
  };
  pool.on('error', report);
  pool.on('connect', (client) => client.on('error', report));
  return pool;
};

/** True when the pool hands out a connection that answers. */
export const pingPool = async (pool: pg.Pool): Promise<boolean> => {
  try {
    return (await pool.query('SELECT 1')).rowCount === 1;
  } catch {
    return false;
  }
};

import type { PoolSettings } from '../../platform/postgres.ts';
import type { EventStore } from './event-store.ts';
import { EsdbEventStore } from './eventstoredb/esdb-event-store.ts';
import { PostgresEventStore } from './postgres/postgres-event-store.ts';

const postgresSchemes = ['postgres:', 'postgresql:'];
const esdbSchemes = ['esdb:', 'esdb+discover:'];

/**
 * The event store a connection URL names (EVENT_STORE_URL); `pool` sets the PostgreSQL store's pool
 * (platform/postgres.ts: its name says which process opens it, and its timeouts). The store owns the pool or client it opens, so
 * `close()` releases it.
 */
export const createEventStore = (
  url: string,
  pool: Partial<Omit<PoolSettings, 'connectionString'>> = {},
): EventStore => {
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0].toLowerCase();
  if (scheme && postgresSchemes.includes(scheme)) return PostgresEventStore.fromConnectionString(url, pool);
  if (scheme && esdbSchemes.includes(scheme)) return EsdbEventStore.fromConnectionString(url);
  const accepted = [...postgresSchemes, ...esdbSchemes].map((name) => `${name}//`).join(', ');
  throw new Error(`event store URL must start with one of ${accepted}; got "${redact(url)}"`);
};

// A URL may carry a password; an error message must not.
const redact = (url: string): string => url.replace(/\/\/[^/@]*@/, '//***@');

import { randomUUID } from 'node:crypto';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import type pg from 'pg';
import type { ExpectedVersion, NewEvent } from '../../commands/event-store/event-store.ts';
import { PostgresEventStore } from '../../commands/event-store/postgres/postgres-event-store.ts';
import { type FlowStep, flowEvent } from './order-flow.ts';

/**
 * The writers the store benchmark compares. A writer is one call a worker makes; it answers how many
 * events that call wrote. `streams` holds each worker's current order, so each worker writes its own streams.
 */
export type StoreWriter = ((worker: number, sequence: number, streams: string[]) => Promise<number>) & {
  close?: () => Promise<void>;
};

export type OpenWriter = (pool: pg.Pool) => StoreWriter;

/**
 * A worker's next event: it walks through the events of one order (one event per append, with the
 * expected version a command handler would pass), then starts the next order in a new stream.
 */
export const nextEvent = (flow: readonly FlowStep[], streams: string[], worker: number, sequence: number) => {
  const index = sequence % flow.length;
  if (index === 0) streams[worker] = randomUUID();
  const orderId = streams[worker] as string;
  const step = flow[index] as FlowStep;
  return { streamId: `order-${orderId}`, version: index, event: flowEvent(step, orderId) };
};

const expectedBefore = (version: number): ExpectedVersion => (version === 0 ? 'no_stream' : version - 1);

/** `groupCommit: false` measures the store with every append in a transaction of its own. */
export const oursWriter =
  (flow: readonly FlowStep[], { groupCommit = true }: { groupCommit?: boolean } = {}): OpenWriter =>
  (pool) => {
    const store = new PostgresEventStore(pool, { groupCommit });
    return async (worker, sequence, streams) => {
      const { streamId, version, event } = nextEvent(flow, streams, worker, sequence);
      await store.appendToStream(streamId, [event], expectedBefore(version));
      return 1;
    };
  };

/** The same id, type, body and metadata; Emmett takes the event id as `metadata.messageId`. */
const toEmmettEvent = (event: NewEvent) => ({
  type: event.type,
  data: event.data as Record<string, unknown>,
  metadata: { messageId: event.id, ...event.metadata },
});

export const emmettWriter =
  (flow: readonly FlowStep[], url: string): OpenWriter =>
  (pool) => {
    const store = getPostgreSQLEventStore(url, { connectionOptions: { pool }, schema: { autoMigration: 'None' } });
    const writer: StoreWriter = async (worker, sequence, streams) => {
      const { streamId, version, event } = nextEvent(flow, streams, worker, sequence);
      // Emmett counts stream positions from 1, and 0n means "no stream yet", as our 'no_stream' does.
      await store.appendToStream(streamId, [toEmmettEvent(event)], { expectedStreamVersion: BigInt(version) });
      return 1;
    };
    writer.close = () => store.close();
    return writer;
  };

export const bareTableSql = `CREATE TABLE bare_events (
  stream_id text, version bigint, event_id uuid, type text, data jsonb, metadata jsonb
)`;

const placeholders = (rows: number) =>
  Array.from({ length: rows }, (_, row) => {
    const base = row * 6;
    return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6})`;
  }).join(', ');

/** The same events, `rows` to one INSERT (one commit), into a table with no index, constraint or function. */
export const bareWriter =
  (flow: readonly FlowStep[], rows: number): OpenWriter =>
  (pool) => {
    const name = `bare_insert_${rows}`;
    const text = `INSERT INTO bare_events (stream_id, version, event_id, type, data, metadata) VALUES ${placeholders(rows)}`;
    return async (worker, sequence, streams) => {
      const values: unknown[] = [];
      for (let row = 0; row < rows; row++) {
        const { streamId, version, event } = nextEvent(flow, streams, worker, sequence * rows + row);
        values.push(
          streamId,
          version,
          event.id,
          event.type,
          JSON.stringify(event.data),
          JSON.stringify(event.metadata),
        );
      }
      await pool.query({ name, text, values });
      return rows;
    };
  };

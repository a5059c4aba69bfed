import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { type FlowStep, flowEvent } from './order-flow.ts';

/** Our positions are `(transaction id << 16) + index`: one transaction holds at most this many events. */
const eventsPerTransaction = 65_536;

/**
 * One template per event of the flow (bodies with UUID-long ids, as `flowEvent` makes them): its body, metadata, and the stream and version it takes within its
 * order (order-seed-N, payment-seed-N, inventory-seed-N, each from version 0).
 */
const templatesOf = (flow: readonly FlowStep[]) => {
  const versions = new Map<string, number>();
  return JSON.stringify(
    flow.map((step) => {
      const version = versions.get(step.aggregate) ?? 0;
      versions.set(step.aggregate, version + 1);
      const { data, metadata } = flowEvent(step, randomUUID());
      return { type: step.type, data, metadata, stream: `${step.aggregate}-seed-`, version };
    }),
  );
};

const chunks = (events: number) =>
  Array.from({ length: Math.ceil(events / eventsPerTransaction) }, (_, chunk) => ({
    first: chunk * eventsPerTransaction,
    last: Math.min(events, (chunk + 1) * eventsPerTransaction) - 1,
  }));

// Event g is template g % flow length of order g / flow length. Parameters: $1 first g, $2 last g,
// $3 flow length, $4 the templates.
const seedRows = `FROM generate_series($1::int, $2::int) AS g, LATERAL (SELECT $4::jsonb -> (g % $3)) AS t(value)`;
const streamOf = `(t.value ->> 'stream') || (g / $3)`;

/**
 * Fills a store with `events` events of settled orders in a few big INSERTs straight into its tables,
 * so a benchmark starts from a store of realistic size in seconds. Each statement is one transaction;
 * every store gets the same rows.
 */
export type SeedStore = (pool: pg.Pool, flow: readonly FlowStep[], events: number) => Promise<void>;

export const seedOurs: SeedStore = async (pool, flow, events) => {
  const templates = templatesOf(flow);
  for (const { first, last } of chunks(events)) {
    await pool.query(
      `INSERT INTO events (position, stream_id, version, event_id, type, data, metadata)
       SELECT (pg_current_xact_id()::text::bigint << 16) + (g - $1), ${streamOf}, (t.value ->> 'version')::int,
              gen_random_uuid(), t.value ->> 'type', t.value -> 'data', t.value -> 'metadata'
       ${seedRows}`,
      [first, last, flow.length, templates],
    );
  }
  await pool.query(
    `INSERT INTO streams (stream_id, version)
     SELECT stream_id, max(version) FROM events WHERE stream_id LIKE '%-seed-%' GROUP BY stream_id`,
  );
};

export const seedEmmett: SeedStore = async (pool, flow, events) => {
  const templates = templatesOf(flow);
  for (const { first, last } of chunks(events)) {
    await pool.query(
      `INSERT INTO emt_messages (stream_position, transaction_id, stream_id, message_schema_version, message_id,
                                 message_type, message_data, message_metadata)
       SELECT (t.value ->> 'version')::int + 1, pg_current_xact_id(), ${streamOf}, '1', gen_random_uuid()::text,
              t.value ->> 'type', t.value -> 'data', t.value -> 'metadata'
       ${seedRows}`,
      [first, last, flow.length, templates],
    );
  }
  await pool.query(
    `INSERT INTO emt_streams (stream_id, stream_position, stream_type, stream_metadata)
     SELECT stream_id, max(stream_position), split_part(stream_id, '-', 1), '{}' FROM emt_messages
      WHERE stream_id LIKE '%-seed-%' GROUP BY stream_id`,
  );
};

export const seedBare: SeedStore = async (pool, flow, events) => {
  await pool.query(
    `INSERT INTO bare_events (stream_id, version, event_id, type, data, metadata)
     SELECT ${streamOf}, (t.value ->> 'version')::int, gen_random_uuid(), t.value ->> 'type', t.value -> 'data',
            t.value -> 'metadata'
     ${seedRows}`,
    [0, events - 1, flow.length, templatesOf(flow)],
  );
};

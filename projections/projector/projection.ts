import type pg from 'pg';
import type { EventEnvelope } from '../../schemas/kafka-envelope.ts';

/**
 * Applies one event inside the projector's transaction. It must only write through `tx` (the
 * projector commits the rows together with the Kafka offsets) and must ignore an event whose stream
 * version the row already reflects. Throw `PoisonMessageError` or a `DomainError` for an event that
 * can never be applied; anything else is retried.
 */
export type ProjectionHandler = (tx: pg.PoolClient, envelope: EventEnvelope) => Promise<void>;

export interface Projection {
  /** Key of its rows in `projection_offsets`. A rebuild into shadow tables runs under another name. */
  name: string;
  /** Topics it reads, without the environment's prefix. */
  topics: readonly string[];
  handle: ProjectionHandler;
  /**
   * Applies a partition batch's events (in order, already past the stored offset) with one set-based
   * statement per table. It must leave the rows exactly as `handle` would, one event after another; any
   * failure that is not transient makes the projector redo the batch through `handle`, record by record.
   * The live projector uses it when present; rebuilds and catch-ups use `handle`.
   */
  applyBatch?: (tx: pg.PoolClient, envelopes: readonly EventEnvelope[]) => Promise<void>;
}

/** `pg.Pool` or a client checked out of it: query functions run on either. */
export type Queryable = pg.Pool | pg.PoolClient;

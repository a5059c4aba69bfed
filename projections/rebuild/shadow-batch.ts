import type pg from 'pg';
import { describeError } from '../../platform/kafka/failure.ts';
import type { EventEnvelope } from '../../schemas/kafka-envelope.ts';
import { preparingQueries, statementName } from '../projector/prepared-statements.ts';
import type { Projection } from '../projector/projection.ts';
import { isProjectionPoison } from '../projector/projection-failure.ts';
import { literalOf, NoLiteral } from './sql-literal.ts';

/** One source record: its envelope, or why it cannot be read; `origin` names it in reports. */
export type SourceRecord = { origin: string; envelope: EventEnvelope } | { origin: string; unreadable: string };

export interface SkippedRecord {
  origin: string;
  reason: string;
}

export interface AppliedBatch {
  /** Envelopes the handler applied, in order (what the independent fold must see too). */
  applied: EventEnvelope[];
  /** Records the live projector would dead-letter: unreadable, or refused for good by the handler. */
  skipped: SkippedRecord[];
}

export interface ShadowBatchOptions {
  /** Inside the swap's transaction: a savepoint instead of a transaction of its own. */
  insideTransaction?: boolean;
  /**
   * The handler only writes (never reads a result): its statements can be gathered and sent many to a
   * round trip. If that fails for any reason the batch is applied again one statement at a time.
   */
  writeOnlyHandler?: boolean;
}

const statementsPerRoundTrip = 500;
const emptyResult = { rows: [], rowCount: 0, command: '', oid: 0, fields: [] };

/**
 * Applies records to the shadow through the projector's own handler. Every SQL statement the handler
 * issues runs as written; what the rebuild changes is only how they travel. A record the handler
 * refuses for good is left out, as the live projector does; any other error fails the batch.
 */
export const applyShadowBatch = async (
  client: pg.PoolClient,
  projection: Projection,
  records: readonly SourceRecord[],
  options: ShadowBatchOptions = {},
): Promise<AppliedBatch> => {
  if (options.writeOnlyHandler && !options.insideTransaction) {
    const batched = await applyGathered(client, projection, records);
    if (batched) return batched;
  }
  return applyOneByOne(client, projection, records, options.insideTransaction === true);
};

interface WrittenStatement {
  text: string;
  values: readonly unknown[];
}

/** Statements this connection has prepared (`PREPARE` lives as long as the session). */
const preparedOn = new WeakMap<pg.PoolClient, Set<string>>();

const rebuildStatementName = (text: string) => statementName(text, 'rebuild_');

/**
 * Runs every handler against a client that only writes its statements down, prepares each distinct
 * statement once per connection, then sends `EXECUTE <statement>(<literal arguments>)` many to a round
 * trip: PostgreSQL plans each statement once, and only the values travel.
 */
const applyGathered = async (
  client: pg.PoolClient,
  projection: Projection,
  records: readonly SourceRecord[],
): Promise<AppliedBatch | undefined> => {
  const written: WrittenStatement[] = [];
  const applied: EventEnvelope[] = [];
  const skipped: SkippedRecord[] = [];
  let own: WrittenStatement[] = [];
  const recorder = {
    query: async (text: unknown, values?: unknown) => {
      if (typeof text !== 'string') throw new NoLiteral('not a plain statement');
      own.push({ text, values: Array.isArray(values) ? values : [] });
      return emptyResult;
    },
  } as unknown as pg.PoolClient;
  for (const record of records) {
    if ('unreadable' in record) {
      skipped.push({ origin: record.origin, reason: record.unreadable });
      continue;
    }
    own = [];
    try {
      await projection.handle(recorder, record.envelope);
    } catch (error) {
      if (error instanceof NoLiteral) return undefined;
      if (!isProjectionPoison(error)) throw error;
      skipped.push({ origin: record.origin, reason: describeError(error) });
      continue;
    }
    written.push(...own);
    applied.push(record.envelope);
  }
  const quote = (text: string) => client.escapeLiteral(text);
  let commands: string[];
  try {
    const prepared = preparedOn.get(client) ?? new Set<string>();
    preparedOn.set(client, prepared);
    const names = new Map<string, string>();
    for (const { text } of written) {
      if (names.has(text)) continue;
      const name = rebuildStatementName(text);
      names.set(text, name);
      if (!prepared.has(name)) {
        await client.query(`PREPARE ${name} AS ${text}`);
        prepared.add(name);
      }
    }
    commands = written.map(({ text, values }) =>
      values.length === 0
        ? `EXECUTE ${names.get(text)}`
        : `EXECUTE ${names.get(text)}(${values.map((value) => literalOf(value, quote)).join(', ')})`,
    );
  } catch {
    // A statement PostgreSQL cannot prepare as written, or a value without a literal: bind them instead.
    return undefined;
  }
  await client.query('BEGIN');
  try {
    // A crash loses nothing that matters here: an unfinished shadow is dropped anyway.
    await client.query('SET LOCAL synchronous_commit = off');
    for (let start = 0; start < commands.length; start += statementsPerRoundTrip) {
      await client.query(commands.slice(start, start + statementsPerRoundTrip).join(';\n'));
    }
    await client.query('COMMIT');
    return { applied, skipped };
  } catch {
    // Which record failed, and whether for good, only the one-by-one path can tell.
    await client.query('ROLLBACK');
    return undefined;
  }
};

/** The handlers send one statement per event: each distinct one is parsed and planned once per connection. */
const preparing = (client: pg.PoolClient): pg.PoolClient =>
  preparingQueries(client, (text) => `${rebuildStatementName(text)}_bound`);

/** As the live projector: a record refused for good is left out and the batch redone without it. */
const applyOneByOne = async (
  client: pg.PoolClient,
  projection: Projection,
  records: readonly SourceRecord[],
  insideTransaction: boolean,
): Promise<AppliedBatch> => {
  const begin = insideTransaction ? 'SAVEPOINT shadow_batch' : 'BEGIN';
  const rollback = insideTransaction ? 'ROLLBACK TO SAVEPOINT shadow_batch' : 'ROLLBACK';
  const commit = insideTransaction ? 'RELEASE SAVEPOINT shadow_batch' : 'COMMIT';
  const refused = new Map<number, string>();
  const handlerClient = preparing(client);
  for (;;) {
    await client.query(begin);
    if (!insideTransaction) await client.query('SET LOCAL synchronous_commit = off');
    const applied: EventEnvelope[] = [];
    const skipped: SkippedRecord[] = [];
    let redo = false;
    try {
      for (const [index, record] of records.entries()) {
        if ('unreadable' in record) {
          skipped.push({ origin: record.origin, reason: record.unreadable });
          continue;
        }
        const refusal = refused.get(index);
        if (refusal !== undefined) {
          skipped.push({ origin: record.origin, reason: refusal });
          continue;
        }
        try {
          await projection.handle(handlerClient, record.envelope);
        } catch (error) {
          if (!isProjectionPoison(error)) throw error;
          refused.set(index, describeError(error));
          redo = true;
          break;
        }
        applied.push(record.envelope);
      }
    } catch (error) {
      await client.query(rollback);
      throw error;
    }
    if (redo) {
      await client.query(rollback);
      continue;
    }
    await client.query(commit);
    return { applied, skipped };
  }
};

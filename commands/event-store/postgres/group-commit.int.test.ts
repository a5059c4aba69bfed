import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { migrate } from '../../../deploy/migrate.ts';
import { uniqueName } from '../../../test/support/names.ts';
import { createTestSchema, type TestSchema } from '../../../test/support/postgres.ts';
import { waitFor } from '../../../test/support/wait.ts';
import { eventStoreContract } from '../event-store.contract.ts';
import {
  type AppendResult,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
  WrongExpectedVersionError,
} from '../event-store.ts';
import { EventIdConflictError } from './event-id-conflict-error.ts';
import { GroupCommit } from './group-commit.ts';
import { PostgresEventStore } from './postgres-event-store.ts';

// The store sends an append that travels alone through event_store_append; this runs the whole contract
// through event_store_append_batch, lone appends included.
eventStoreContract('event_store_append_batch for every append', async () => {
  const db = await createTestSchema('es_batch_contract');
  await migrate(db.pool);
  const reads = new PostgresEventStore(db.pool, { groupCommit: false });
  const batches = new GroupCommit(db.pool, { loneAppendsAsBatches: true });
  const store: EventStore = {
    appendToStream: (streamId, events, expected) => batches.append(streamId, events, expected),
    readStream: (streamId, options) => reads.readStream(streamId, options),
    readAll: (options) => reads.readAll(options),
    ping: () => reads.ping(),
    close: () => batches.settled(),
  };
  return {
    store,
    teardown: async () => {
      await store.close();
      await db.drop();
    },
  };
});

const test = suite('PostgresEventStore group commit');
let db: TestSchema;

test.before(async () => {
  db = await createTestSchema('es_group');
  await migrate(db.pool);
});
test.after(async () => {
  await db.drop();
});

const newEvent = (data: unknown = { at: randomUUID() }): NewEvent => ({ id: randomUUID(), type: 'Happened', data });

/** A store of the test's own, so no other test's batch is in flight when its appends are queued. */
const freshStore = () => new PostgresEventStore(db.pool);

const transactionsOf = async (eventIds: string[]): Promise<string[]> =>
  (
    await db.pool.query<{ transaction_id: string }>(
      'SELECT DISTINCT transaction_id::text FROM events WHERE event_id = ANY ($1::uuid[])',
      [eventIds],
    )
  ).rows.map((row) => row.transaction_id);

const storedIds = async (eventIds: string[]): Promise<string[]> =>
  (
    await db.pool.query<{ id: string }>('SELECT event_id AS id FROM events WHERE event_id = ANY ($1::uuid[])', [
      eventIds,
    ])
  ).rows.map((row) => row.id);

const rejectionOf = (outcome: PromiseSettledResult<unknown> | undefined): unknown => {
  if (outcome?.status !== 'rejected') throw new Error(`expected a rejection, got ${JSON.stringify(outcome)}`);
  return outcome.reason;
};

test('64 appends issued at once all succeed and share far fewer than 64 transactions', async () => {
  const store = freshStore();
  const appends = Array.from({ length: 64 }, () => ({ streamId: uniqueName('many'), event: newEvent() }));
  const results = await Promise.all(
    appends.map(({ streamId, event }) => store.appendToStream(streamId, [event], 'no_stream')),
  );
  assert.ok(results.every((result) => result.nextExpectedVersion === 0));
  assert.is(new Set(results.map((result) => result.position)).size, 64);
  const transactions = await transactionsOf(appends.map(({ event }) => event.id));
  assert.ok(transactions.length < 64, `${transactions.length} transactions for 64 appends`);
  for (const [index, { streamId }] of appends.entries()) {
    assert.is((await store.readStream(streamId))[0]?.position, results[index]?.position);
  }
});

test('in one batch, a wrong expected version and an id conflict are refused while the others are written', async () => {
  const store = freshStore();
  const existing = uniqueName('existing');
  const taken = newEvent();
  await store.appendToStream(existing, [taken], 'no_stream');
  const [first, second] = [newEvent(), newEvent()];
  const outcomes = await Promise.allSettled([
    store.appendToStream(uniqueName('ok'), [first], 'no_stream'),
    store.appendToStream(existing, [newEvent()], 5),
    store.appendToStream(uniqueName('conflict'), [taken], 'any'),
    store.appendToStream(uniqueName('ok'), [second], 'no_stream'),
  ]);
  assert.equal(
    outcomes.map((outcome) => outcome.status),
    ['fulfilled', 'rejected', 'rejected', 'fulfilled'],
  );
  const wrongVersion = rejectionOf(outcomes[1]);
  assert.instance(wrongVersion, WrongExpectedVersionError);
  assert.is((wrongVersion as WrongExpectedVersionError).actual, 0);
  assert.instance(rejectionOf(outcomes[2]), EventIdConflictError);
  assert.is((await transactionsOf([first.id, second.id])).length, 1, 'both written by one transaction');
  assert.is((await store.readStream(existing)).length, 1);
});

test('an idempotent re-send inside a batch returns the earlier result and writes nothing new', async () => {
  const store = freshStore();
  const streamId = uniqueName('resend');
  const events = [newEvent(), newEvent()];
  const earlier = await store.appendToStream(streamId, events, 'no_stream');
  const [fresh, other] = [newEvent(), newEvent()];
  const [again, freshResult] = await Promise.all([
    store.appendToStream(streamId, events, 'no_stream'),
    store.appendToStream(uniqueName('fresh'), [fresh], 'no_stream'),
    store.appendToStream(uniqueName('fresh'), [other], 'no_stream'),
  ]);
  assert.equal(again, earlier);
  assert.is(freshResult.nextExpectedVersion, 0);
  assert.is((await transactionsOf([fresh.id, other.id])).length, 1);
  assert.equal(
    (await store.readStream(streamId)).map((event) => event.id),
    events.map((event) => event.id),
  );
});

test('two appends to one stream in one batch behave as if sent one after the other', async () => {
  const store = freshStore();
  const [raced, chained] = [uniqueName('raced'), uniqueName('chained')];
  const [a, b, c, d] = [newEvent(), newEvent(), newEvent(), newEvent()];
  const outcomes = await Promise.allSettled([
    store.appendToStream(raced, [a], 'no_stream'),
    store.appendToStream(raced, [b], 'no_stream'),
    store.appendToStream(chained, [c], 'no_stream'),
    store.appendToStream(chained, [d], 0),
  ]);
  assert.equal(
    outcomes.map((outcome) => outcome.status),
    ['fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
  );
  const loser = rejectionOf(outcomes[1]);
  assert.instance(loser, WrongExpectedVersionError);
  assert.is((loser as WrongExpectedVersionError).actual, 0, 'the second sees the first one’s version');
  assert.equal(
    (await store.readStream(raced)).map((event) => event.id),
    [a.id],
  );
  const chainedEvents = await store.readStream(chained);
  assert.equal(
    chainedEvents.map((event) => [event.id, event.version]),
    [
      [c.id, 0],
      [d.id, 1],
    ],
  );
  assert.ok(chainedEvents[1]!.position > chainedEvents[0]!.position);
  assert.is((await transactionsOf([a.id, c.id, d.id])).length, 1, 'all in one transaction');
});

test('positions strictly increase in readAll order across batches and match what each append returned', async () => {
  const store = freshStore();
  const start = await store.appendToStream(uniqueName('mark'), [newEvent()], 'no_stream');
  const rounds: AppendResult[][] = [];
  const returned = new Map<string, bigint>();
  let written = 0;
  for (let round = 0; round < 4; round++) {
    const appends = Array.from({ length: 20 }, (_, index) => ({
      streamId: uniqueName(`round${round}`),
      events: Array.from({ length: 1 + (index % 3) }, () => newEvent()),
    }));
    const results = await Promise.all(
      appends.map(({ streamId, events }) => store.appendToStream(streamId, events, 'no_stream')),
    );
    for (const [index, { events }] of appends.entries()) {
      returned.set(events.at(-1)!.id, results[index]!.position);
      written += events.length;
    }
    rounds.push(results);
  }
  for (let round = 1; round < rounds.length; round++) {
    const latestBefore = rounds[round - 1]!.reduce(
      (max, result) => (result.position > max ? result.position : max),
      0n,
    );
    assert.ok(
      rounds[round]!.every((result) => result.position > latestBefore),
      'a later round sorts after everything before it',
    );
  }
  const own: RecordedEvent[] = await waitFor(
    async () => {
      const read: RecordedEvent[] = [];
      let after = start.position;
      for (;;) {
        const page = await store.readAll({ after, limit: 50 });
        if (page.length === 0) break;
        read.push(...page.filter((event) => event.streamId.startsWith('round')));
        after = page.at(-1)!.position;
      }
      return read.length >= written ? read : undefined;
    },
    { what: 'every event of the four rounds in readAll' },
  );
  assert.is(own.length, written);
  for (let index = 1; index < own.length; index++) assert.ok(own[index]!.position > own[index - 1]!.position);
  for (const event of own) {
    if (returned.has(event.id)) assert.is(event.position, returned.get(event.id));
  }
});

test('concurrent batches from two stores over the same streams in opposite orders never deadlock', async () => {
  const pools = [new pg.Pool({ ...db.poolConfig, max: 2 }), new pg.Pool({ ...db.poolConfig, max: 2 })];
  try {
    const [forward, backward] = pools.map((pool) => new PostgresEventStore(pool));
    const streams = Array.from({ length: 40 }, () => uniqueName('shared'));
    const reversed = [...streams].reverse();
    for (let round = 0; round < 5; round++) {
      await Promise.all([
        ...streams.map((streamId) => forward!.appendToStream(streamId, [newEvent()], 'any')),
        ...reversed.map((streamId) => backward!.appendToStream(streamId, [newEvent()], 'any')),
      ]);
    }
    for (const streamId of streams) {
      assert.equal(
        (await forward!.readStream(streamId)).map((event) => event.version),
        Array.from({ length: 10 }, (_, version) => version),
      );
    }
  } finally {
    await Promise.all(pools.map((pool) => pool.end()));
  }
});

test('a batch whose transaction fails gives every caller in it the error and writes none of them', async () => {
  const store = freshStore();
  // Sorts after the other streams ("C" collation), so the batch has inserted their events when it blocks.
  const locked = uniqueName('zz_locked');
  await store.appendToStream(locked, [newEvent()], 'no_stream');
  const holder = await db.pool.connect();
  const streams = Array.from({ length: 3 }, () => uniqueName('doomed'));
  const events = [...streams.map(() => newEvent()), newEvent()];
  try {
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM streams WHERE stream_id = $1 FOR UPDATE', [locked]);
    const { pid: holderPid } = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!;
    const settled = Promise.allSettled([
      ...streams.map((streamId, index) => store.appendToStream(streamId, [events[index]!], 'no_stream')),
      store.appendToStream(locked, [events[3]!], 0),
    ]);
    const batchPid = await waitFor(
      async () =>
        (
          await db.pool.query<{ pid: number }>(
            'SELECT pid FROM pg_stat_activity WHERE $1::int = ANY (pg_blocking_pids(pid))',
            [holderPid],
          )
        ).rows[0]?.pid,
      { what: 'the batch waiting for the locked stream' },
    );
    await db.pool.query('SELECT pg_terminate_backend($1)', [batchPid]);
    const outcomes = await settled;
    const errors = outcomes.map(rejectionOf);
    assert.match(String(errors[0]), /terminat/);
    assert.ok(
      errors.every((error) => error === errors[0]),
      'every caller gets the one error',
    );
  } finally {
    await holder.query('ROLLBACK');
    holder.release();
  }
  assert.equal(await storedIds(events.map((event) => event.id)), []);
  assert.is(
    (await db.pool.query('SELECT 1 FROM streams WHERE stream_id = ANY ($1)', [streams])).rowCount,
    0,
    'no stream row either',
  );
  const after = await store.appendToStream(streams[0]!, [events[0]!], 'no_stream');
  assert.is(after.nextExpectedVersion, 0, 'the store goes on, and a retry writes the append');
});

test('an append whose content the server refuses fails alone; the rest of its batch is written', async () => {
  const store = freshStore();
  const [good, poisoned, alsoGood] = [newEvent(), newEvent({ text: 'nul \u0000 inside' }), newEvent()];
  const outcomes = await Promise.allSettled([
    store.appendToStream(uniqueName('good'), [good], 'no_stream'),
    store.appendToStream(uniqueName('poisoned'), [poisoned], 'no_stream'),
    store.appendToStream(uniqueName('good'), [alsoGood], 'no_stream'),
  ]);
  assert.equal(
    outcomes.map((outcome) => outcome.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  assert.is((rejectionOf(outcomes[1]) as { code?: string }).code, '22P05');
  assert.equal((await storedIds([good.id, poisoned.id, alsoGood.id])).sort(), [good.id, alsoGood.id].sort());
});

test.run();

import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { migrate } from '../../../deploy/migrate.ts';
import { uniqueName } from '../../../test/support/names.ts';
import { createTestSchema, type TestSchema } from '../../../test/support/postgres.ts';
import { waitFor } from '../../../test/support/wait.ts';
import { eventStoreContract } from '../event-store.contract.ts';
import { type NewEvent, type RecordedEvent, WrongExpectedVersionError } from '../event-store.ts';
import { appendToStream } from './append-to-stream.ts';
import { EventIdConflictError } from './event-id-conflict-error.ts';
import { PostgresEventStore } from './postgres-event-store.ts';

for (const groupCommit of [true, false]) {
  eventStoreContract(`PostgresEventStore${groupCommit ? '' : ' without group commit'}`, async () => {
    const db = await createTestSchema('es_contract');
    await migrate(db.pool);
    const store = new PostgresEventStore(db.pool, { ownsPool: false, groupCommit });
    return {
      store,
      teardown: async () => {
        await store.close();
        await db.drop();
      },
    };
  });
}

const test = suite('PostgresEventStore');
let db: TestSchema;
let store: PostgresEventStore;

test.before(async () => {
  db = await createTestSchema('es_pg');
  await migrate(db.pool);
  store = new PostgresEventStore(db.pool, { ownsPool: false });
});
test.after(async () => {
  await store.close();
  await db.drop();
});

const newEvent = (type = 'Happened'): NewEvent => ({ id: randomUUID(), type, data: { type } });

/** Follows readAll like the relay: remembers the last position returned and reads on from there. */
const checkpointingReader = () => {
  const seen: RecordedEvent[] = [];
  let checkpoint = -1n;
  return {
    seen,
    poll: async () => {
      for (;;) {
        const page = await store.readAll({ after: checkpoint, limit: 3 });
        const last = page.at(-1);
        if (!last) return seen;
        seen.push(...page);
        checkpoint = last.position;
      }
    },
  };
};

/** Opens a transaction on a client of its own and appends inside it, leaving it uncommitted. */
const openAppend = async (streamId: string, event: NewEvent) => {
  const client = await db.pool.connect();
  await client.query('BEGIN');
  const result = await appendToStream(client, streamId, [event], 'no_stream');
  return {
    result,
    commit: async () => {
      try {
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    },
  };
};

const isStored = async (eventId: string) =>
  (await db.pool.query('SELECT 1 FROM events WHERE event_id = $1', [eventId])).rowCount === 1;

test('readAll holds back a later commit until an earlier transaction commits; a checkpointing reader skips nothing', async () => {
  const reader = checkpointingReader();
  const baseline = newEvent('Baseline');
  await store.appendToStream(uniqueName('base'), [baseline], 'no_stream');
  await waitFor(async () => (await reader.poll()).some((event) => event.id === baseline.id), { what: 'baseline' });

  const [eventA, eventB] = [newEvent('A'), newEvent('B')];
  const a = await openAppend(uniqueName('a'), eventA);
  let committedA = false;
  try {
    // B starts after A and commits first; it does not wait for A (no global lock).
    const b = await store.appendToStream(uniqueName('b'), [eventB], 'no_stream');
    assert.ok(b.position > a.result.position, 'B holds the later position');
    assert.ok(await isStored(eventB.id), 'B is committed and visible to plain queries');

    const held = await store.readAll({ after: -1n, limit: 1000 });
    assert.not.ok(
      held.some((event) => event.position >= a.result.position),
      'nothing at or past the open transaction',
    );
    await reader.poll();
    assert.equal(
      reader.seen.map((event) => event.id),
      [baseline.id],
    );

    await a.commit();
    committedA = true;
    await waitFor(async () => (await reader.poll()).length === 3, { what: 'A and B after the commit of A' });
    assert.equal(
      reader.seen.map((event) => event.id),
      [baseline.id, eventA.id, eventB.id],
    );
    assert.equal(
      reader.seen.map((event) => event.position),
      [reader.seen[0]!.position, a.result.position, b.position],
    );
  } finally {
    if (!committedA) await a.commit();
  }
});

test('a transaction that took its id first but appends last still sorts first, so the reader skips nothing', async () => {
  const reader = checkpointingReader();
  await reader.poll();
  const before = reader.seen.length;
  const [early, late] = [newEvent('Early'), newEvent('Late')];
  const earlyClient = await db.pool.connect();
  let committedLate = false;
  const lateAppend = await (async () => {
    await earlyClient.query('BEGIN');
    // A transaction that will append enters as a writer before it takes its id (migration 006).
    await earlyClient.query('SELECT event_store_enter_writer()');
    await earlyClient.query('SELECT pg_current_xact_id()');
    return openAppend(uniqueName('late'), late);
  })();
  try {
    // The early transaction inserts after the late one did, and commits while the late one is still open.
    const earlyResult = await appendToStream(earlyClient, uniqueName('early'), [early], 'no_stream');
    await earlyClient.query('COMMIT');
    assert.ok(earlyResult.position < lateAppend.result.position, 'positions follow transaction ids');
    await waitFor(async () => (await reader.poll()).some((event) => event.id === early.id), { what: 'early' });
    await lateAppend.commit();
    committedLate = true;
    await waitFor(async () => (await reader.poll()).some((event) => event.id === late.id), { what: 'late' });
    assert.equal(
      reader.seen.slice(before).map((event) => event.id),
      [early.id, late.id],
    );
  } finally {
    earlyClient.release();
    if (!committedLate) await lateAppend.commit();
  }
});

test('a transaction that writes but never appends does not hold the reader back', async () => {
  const reader = checkpointingReader();
  await reader.poll();
  const bystander = await db.pool.connect();
  try {
    await bystander.query('BEGIN');
    await bystander.query('SELECT pg_current_xact_id()');
    const event = newEvent('WhileOthersWrite');
    await store.appendToStream(uniqueName('bystanders'), [event], 'no_stream');
    await waitFor(async () => (await reader.poll()).some((seen) => seen.id === event.id), {
      what: 'the event, while an unrelated transaction stays open',
    });
  } finally {
    await bystander.query('ROLLBACK');
    bystander.release();
  }
});

test('a transaction that wrote before it appended is refused: a reader could not see it coming', async () => {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_current_xact_id()');
    const error = await appendToStream(client, uniqueName('late-writer'), [newEvent()], 'no_stream').then(
      () => undefined,
      (failure: unknown) => failure,
    );
    assert.match(String(error), /event_store_enter_writer/);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
});

test('64 writers on different streams finish while another append is still uncommitted', async () => {
  const writers = new pg.Pool({ ...db.poolConfig, max: 16 });
  const open = await openAppend(uniqueName('open'), newEvent('Open'));
  try {
    const concurrentStore = new PostgresEventStore(writers, { ownsPool: false });
    const results = await Promise.all(
      Array.from({ length: 64 }, () => concurrentStore.appendToStream(uniqueName('w'), [newEvent()], 'no_stream')),
    );
    assert.is(new Set(results.map((result) => result.position)).size, 64);
  } finally {
    await open.commit();
    await writers.end();
  }
});

test('a reader following concurrent writers sees every event exactly once, in increasing positions', async () => {
  const writers = new pg.Pool({ ...db.poolConfig, max: 16 });
  const concurrentStore = new PostgresEventStore(writers, { ownsPool: false });
  const reader = checkpointingReader();
  await reader.poll();
  const written = new Set<string>();
  const streams = new Set<string>();
  // Earlier tests' events can still turn up (another session of the cluster may hold the horizon back), so
  // the reader's own share is told apart by stream.
  const readOwn = () => reader.seen.filter((event) => streams.has(event.streamId));
  const write = async (writer: number) => {
    const streamId = uniqueName(`writer${writer}`);
    streams.add(streamId);
    let expected: number | 'no_stream' = 'no_stream';
    for (let append = 0; append < 40; append++) {
      const events = Array.from({ length: 1 + ((writer + append) % 3) }, () => newEvent());
      expected = (await concurrentStore.appendToStream(streamId, events, expected)).nextExpectedVersion;
      for (const event of events) written.add(event.id);
    }
  };
  let writing = true;
  const following = (async () => {
    while (writing) await reader.poll();
  })();
  try {
    await Promise.all(Array.from({ length: 24 }, (_, writer) => write(writer)));
  } finally {
    writing = false;
    await following;
    await writers.end();
  }
  // readAll waits for the oldest open transaction of the whole cluster: another test's long transaction
  // delays what this reader sees (never loses it), so the bound is wide.
  const read = await waitFor(
    async () => {
      await reader.poll();
      const own = readOwn();
      return own.length >= written.size ? own : undefined;
    },
    { what: 'every written event', timeoutMs: 90_000 },
  );
  assert.is(new Set(read.map((event) => event.id)).size, read.length, 'no event twice');
  assert.equal(new Set(read.map((event) => event.id)), written);
  for (let index = 1; index < reader.seen.length; index++) {
    assert.ok(reader.seen[index]!.position > reader.seen[index - 1]!.position);
  }
});

test('a retry racing its own original returns the same result and stores the events once', async () => {
  const streamId = uniqueName('retry');
  const events = [newEvent('Opened'), newEvent('Changed')];
  const results = await Promise.all(
    Array.from({ length: 6 }, () => store.appendToStream(streamId, events, 'no_stream')),
  );
  for (const result of results) assert.equal(result, results[0]);
  assert.is((await store.readStream(streamId)).length, 2);
});

test('partly known event ids are refused and nothing is written', async () => {
  const streamId = uniqueName('partial');
  const [known, fresh] = [newEvent('Known'), newEvent('Fresh')];
  await store.appendToStream(streamId, [known], 'no_stream');
  for (const expected of ['any', 0] as const) {
    const error = await store.appendToStream(streamId, [known, fresh], expected).catch((caught: unknown) => caught);
    assert.instance(error, EventIdConflictError);
    assert.match(String(error), '1 of the 2 event ids are already stored');
  }
  assert.not.ok(await isStored(fresh.id));
});

test('event ids already stored in another stream are refused', async () => {
  const event = newEvent('Once');
  const first = uniqueName('first');
  await store.appendToStream(first, [event], 'no_stream');
  const error = await store.appendToStream(uniqueName('second'), [event], 'any').catch((caught: unknown) => caught);
  assert.instance(error, EventIdConflictError);
  assert.match(String(error), first);
});

test('malformed appends and reads are refused before they reach the database', async () => {
  const streamId = uniqueName('invalid');
  const refusals: [Promise<unknown>, new (...args: never[]) => Error][] = [
    [store.appendToStream(streamId, [newEvent()], -1), RangeError],
    [store.appendToStream(streamId, [newEvent()], 1.5), RangeError],
    [store.appendToStream(streamId, [{ id: 'not-a-uuid', type: 'X', data: {} }], 'any'), TypeError],
    [store.appendToStream(streamId, [{ id: randomUUID(), type: '', data: {} }], 'any'), TypeError],
    [store.appendToStream('', [newEvent()], 'any'), TypeError],
    [store.readAll({ after: 0n, limit: 0 }), RangeError],
  ];
  const event = newEvent();
  refusals.push([store.appendToStream(streamId, [event, event], 'any'), EventIdConflictError]);
  for (const [call, type] of refusals) assert.instance(await call.catch((caught: unknown) => caught), type);
  assert.equal(await store.readStream(streamId), []);
});

test('a unique violation on (stream, version) is reported as WrongExpectedVersionError', async () => {
  const streamId = uniqueName('bypassed');
  await store.appendToStream(streamId, [newEvent()], 'no_stream');
  // A writer that bypassed the append function took version 1 without moving the stream's version.
  await db.pool.query(
    `INSERT INTO events (position, stream_id, version, event_id, type, data)
     VALUES (pg_current_xact_id()::text::bigint << 16, $1, 1, $2, 'Bypassed', '{}')`,
    [streamId, randomUUID()],
  );
  const error = await store.appendToStream(streamId, [newEvent()], 0).catch((caught: unknown) => caught);
  assert.instance(error, WrongExpectedVersionError);
  assert.is((error as WrongExpectedVersionError).actual, 1);
});

test('close() ends the pool only when the store owns it', async () => {
  await new PostgresEventStore(db.pool, { ownsPool: false }).close();
  assert.ok(await store.ping(), 'a shared pool survives the close of a store that borrowed it');

  const owning = PostgresEventStore.fromConnectionString(String(db.poolConfig.connectionString), {
    extra: { options: String(db.poolConfig.options) },
  });
  assert.ok(await owning.ping());
  await owning.close();
  assert.not.ok(await owning.ping(), 'an owned pool is ended');
  await owning.close();
});

test.run();

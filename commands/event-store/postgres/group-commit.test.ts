import { randomUUID } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ServiceUnavailable } from '../../../platform/unavailable.ts';
import { type NewEvent, WrongExpectedVersionError } from '../event-store.ts';
import type { Queryable } from './append-to-stream.ts';
import { GroupCommit } from './group-commit.ts';

interface Call {
  name: string;
  values: unknown[];
  answer(rows: object[]): void;
  fail(error: unknown): void;
}

interface SentAppend {
  stream: string;
  expected: number | null;
  events: { id: string }[];
}

/** A database that records every query and answers only when the test says so. */
const fakeDatabase = () => {
  const calls: Call[] = [];
  const db = {
    query: ({ name, values }: { name: string; values: unknown[] }) =>
      new Promise((resolve, reject) => {
        calls.push({ name, values, answer: (rows) => resolve({ rows }), fail: reject });
      }),
  } as unknown as Queryable;
  /** What a call sent: the appends of a batch, or the one append of a call of `event_store_append`. */
  const appendsOf = (call: Call | undefined): SentAppend[] => {
    if (call?.name !== 'event_store_append') return JSON.parse(String(call?.values[0]));
    const [stream, expected, events] = call.values;
    return [{ stream: String(stream), expected: expected as number | null, events: JSON.parse(String(events)) }];
  };
  return { db, calls, appendsOf };
};

const settle = () => new Promise((resolve) => setImmediate(resolve));
const waitForCalls = async (calls: Call[], count: number) => {
  for (let turn = 0; turn < 100 && calls.length < count; turn++) await settle();
  assert.is(calls.length, count, `${count} queries sent`);
};

const newEvent = (): NewEvent => ({ id: randomUUID(), type: 'Happened', data: {} });

/** The answer for appends that all went through (`event_store_append` ignores `append_index`). */
const appendedRows = (appends: SentAppend[]) =>
  appends.map((append, index) => ({
    append_index: index + 1,
    outcome: 'appended',
    stream_version: String(append.events.length - 1),
    last_position: String(1000 + index),
    detail: null,
  }));

const test = suite('GroupCommit');

test('appends made in one tick go together; the ones arriving meanwhile wait for the next batch', async () => {
  const { db, calls, appendsOf } = fakeDatabase();
  const group = new GroupCommit(db);
  const first = [group.append('a', [newEvent()], 'no_stream'), group.append('b', [newEvent()], 'any')];
  await waitForCalls(calls, 1);
  assert.is(calls[0]!.name, 'event_store_append_batch');
  assert.equal(
    appendsOf(calls[0]).map((append) => [append.stream, append.expected]),
    [
      ['a', -1],
      ['b', null],
    ],
  );
  const later = [group.append('c', [newEvent()], 3), group.append('d', [newEvent()], 'any')];
  await settle();
  await settle();
  assert.is(calls.length, 1, 'nothing else is sent while a batch is in flight');
  calls[0]!.answer(appendedRows(appendsOf(calls[0])));
  assert.equal(await Promise.all(first), [
    { nextExpectedVersion: 0, position: 1000n },
    { nextExpectedVersion: 0, position: 1001n },
  ]);
  await waitForCalls(calls, 2);
  assert.equal(
    appendsOf(calls[1]).map((append) => append.stream),
    ['c', 'd'],
  );
  calls[1]!.answer(appendedRows(appendsOf(calls[1])));
  assert.is((await Promise.all(later)).length, 2);
  await group.settled();
});

test('an append that finds nothing in flight leaves at once, as a plain event_store_append', async () => {
  const { db, calls, appendsOf } = fakeDatabase();
  const group = new GroupCommit(db);
  const alone = group.append('alone', [newEvent()], 2);
  await waitForCalls(calls, 1);
  assert.is(calls[0]!.name, 'event_store_append');
  assert.equal(
    appendsOf(calls[0]).map((append) => [append.stream, append.expected]),
    [['alone', 2]],
  );
  calls[0]!.answer([{ outcome: 'appended', stream_version: '3', last_position: '77', detail: null }]);
  assert.equal(await alone, { nextExpectedVersion: 3, position: 77n });
});

test('a batch holds at most maxAppends appends and 65,536 events', async () => {
  const { db, calls, appendsOf } = fakeDatabase();
  const group = new GroupCommit(db, { maxAppends: 3 });
  const small = Array.from({ length: 7 }, (_, index) => group.append(`s${index}`, [newEvent()], 'any'));
  for (const [batch, size] of [3, 3, 1].entries()) {
    await waitForCalls(calls, batch + 1);
    assert.is(appendsOf(calls[batch]).length, size);
    calls[batch]!.answer(appendedRows(appendsOf(calls[batch])));
  }
  await Promise.all(small);

  const large = () => Array.from({ length: 40_000 }, newEvent);
  const big = [group.append('big1', large(), 'any'), group.append('big2', large(), 'any')];
  for (const batch of [3, 4]) {
    await waitForCalls(calls, batch + 1);
    assert.is(appendsOf(calls[batch]).length, 1, 'two appends of 40,000 events do not share a transaction');
    calls[batch]!.answer(appendedRows(appendsOf(calls[batch])));
  }
  await Promise.all(big);
});

test('each append gets its own outcome; a refusal rejects only its own caller', async () => {
  const { db, calls } = fakeDatabase();
  const group = new GroupCommit(db);
  const appends = [
    group.append('ok', [newEvent()], 'no_stream'),
    group.append('stale', [newEvent()], 4),
    group.append('again', [newEvent()], 'any'),
  ];
  await waitForCalls(calls, 1);
  calls[0]!.answer([
    { append_index: 1, outcome: 'appended', stream_version: '0', last_position: '70', detail: null },
    { append_index: 2, outcome: 'wrong_expected_version', stream_version: '6', last_position: null, detail: null },
    { append_index: 3, outcome: 'duplicate', stream_version: '2', last_position: '12', detail: null },
  ]);
  const [ok, stale, again] = await Promise.allSettled(appends);
  assert.equal(ok, { status: 'fulfilled', value: { nextExpectedVersion: 0, position: 70n } });
  assert.is(stale?.status, 'rejected');
  assert.instance((stale as PromiseRejectedResult).reason, WrongExpectedVersionError);
  assert.is(((stale as PromiseRejectedResult).reason as WrongExpectedVersionError).actual, 6);
  assert.equal(again, { status: 'fulfilled', value: { nextExpectedVersion: 2, position: 12n } });
});

test('a malformed append is refused at once and never joins a batch', async () => {
  const { db, calls, appendsOf } = fakeDatabase();
  const group = new GroupCommit(db);
  const refused = group.append('', [newEvent()], 'any');
  const good = group.append('good', [newEvent()], 'any');
  assert.instance(await refused.catch((error: unknown) => error), TypeError);
  await waitForCalls(calls, 1);
  assert.equal(
    appendsOf(calls[0]).map((append) => append.stream),
    ['good'],
  );
  calls[0]!.answer(appendedRows(appendsOf(calls[0])));
  await good;
});

test('when the batch transaction fails, every append of it gets that error', async () => {
  const { db, calls } = fakeDatabase();
  const group = new GroupCommit(db);
  const appends = ['a', 'b', 'c'].map((stream) => group.append(stream, [newEvent()], 'any'));
  await waitForCalls(calls, 1);
  const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
  calls[0]!.fail(deadlock);
  for (const outcome of await Promise.allSettled(appends)) {
    assert.equal(outcome, { status: 'rejected', reason: deadlock });
  }
  assert.is(calls.length, 1, 'nothing is retried behind the callers’ backs');
});

test('a batch that failed on its content goes again one append at a time, one stream in request order', async () => {
  const { db, calls } = fakeDatabase();
  const group = new GroupCommit(db);
  const appends = [
    group.append('x', [newEvent()], 'no_stream'),
    group.append('poisoned', [newEvent()], 'any'),
    group.append('x', [newEvent()], 0),
  ];
  const outcomes = Promise.allSettled(appends);
  await waitForCalls(calls, 1);
  calls[0]!.fail(Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' }));
  await waitForCalls(calls, 3);
  assert.equal(
    calls.slice(1).map((call) => [call.name, call.values[0]]),
    [
      ['event_store_append', 'x'],
      ['event_store_append', 'poisoned'],
    ],
    'the second append to x waits for the first',
  );
  const poison = Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' });
  calls[2]!.fail(poison);
  calls[1]!.answer([{ outcome: 'appended', stream_version: '0', last_position: '5', detail: null }]);
  await waitForCalls(calls, 4);
  assert.is(calls[3]!.values[0], 'x');
  calls[3]!.answer([{ outcome: 'appended', stream_version: '1', last_position: '9', detail: null }]);
  assert.equal(await outcomes, [
    { status: 'fulfilled', value: { nextExpectedVersion: 0, position: 5n } },
    { status: 'rejected', reason: poison },
    { status: 'fulfilled', value: { nextExpectedVersion: 1, position: 9n } },
  ]);
});

test('settled() waits for every queued append', async () => {
  const { db, calls, appendsOf } = fakeDatabase();
  const group = new GroupCommit(db);
  let answered = false;
  const append = group.append('a', [newEvent()], 'any').then(() => {
    answered = true;
  });
  const settled = group.settled();
  await waitForCalls(calls, 1);
  assert.not.ok(answered);
  calls[0]!.answer(appendedRows(appendsOf(calls[0])));
  await settled;
  assert.ok(answered);
  await append;
});

test('past the queue bound an append is refused at once as unavailable; the queued ones still get answers', async () => {
  const { db, calls } = fakeDatabase();
  const group = new GroupCommit(db, { maxQueued: 2 });
  const first = group.append('s-0', [newEvent()], 'any');
  await waitForCalls(calls, 1);
  // The first is at the server; two more wait, and the queue is full.
  const waiting = [group.append('s-1', [newEvent()], 'any'), group.append('s-2', [newEvent()], 'any')];
  const refused = await group.append('s-3', [newEvent()], 'any').catch((error: unknown) => error);
  assert.instance(refused, ServiceUnavailable);
  assert.is((refused as ServiceUnavailable).dependency, 'capacity');
  calls[0]!.answer(appendedRows([{ stream: 's-0', expected: null, events: [{ id: 'x' }] }]));
  await first;
  await waitForCalls(calls, 2);
  calls[1]!.answer(appendedRows(JSON.parse(String(calls[1]!.values[0]))));
  assert.is((await Promise.all(waiting)).length, 2);
});

test.run();

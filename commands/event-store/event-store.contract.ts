import { randomUUID } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { uniqueName } from '../../test/support/names.ts';
import { waitFor } from '../../test/support/wait.ts';
import {
  type EventMetadata,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
  WrongExpectedVersionError,
} from './event-store.ts';

export interface EventStoreUnderTest {
  store: EventStore;
  teardown(): Promise<void>;
}

/**
 * The behaviour every event-store adapter must show. Registers one uvu suite and runs it. Every test
 * writes to streams of its own and reads the global order only from a position it captured itself,
 * so the suite also runs against a server that other tests write to at the same time.
 */
export const eventStoreContract = (name: string, setup: () => Promise<EventStoreUnderTest>): void => {
  const test = suite(`${name} (event-store contract)`);
  let underTest: EventStoreUnderTest | undefined;
  const store = (): EventStore => {
    if (!underTest) throw new Error('setup did not run');
    return underTest.store;
  };

  test.before(async () => {
    underTest = await setup();
  });
  test.after(async () => {
    await underTest?.teardown();
  });

  test('appends to a new stream with no_stream; versions start at 0', async () => {
    const streamId = uniqueName('contract');
    const events = [newEvent('Opened'), newEvent('Changed'), newEvent('Changed')];
    const result = await store().appendToStream(streamId, events, 'no_stream');
    assert.is(result.nextExpectedVersion, 2);
    const stored = await store().readStream(streamId);
    assert.equal(
      stored.map((event) => [event.id, event.streamId, event.version, event.type]),
      events.map((event, version) => [event.id, streamId, version, event.type]),
    );
    assertIncreasing(stored);
    assert.is(result.position, stored.at(-1)?.position);
  });

  test('no_stream on an existing stream throws WrongExpectedVersionError', async () => {
    const streamId = uniqueName('contract');
    await store().appendToStream(streamId, [newEvent('Opened')], 'no_stream');
    const error = await rejection(store().appendToStream(streamId, [newEvent('Opened')], 'no_stream'));
    assert.instance(error, WrongExpectedVersionError);
    assert.is((error as WrongExpectedVersionError).streamId, streamId);
    assert.is((error as WrongExpectedVersionError).actual, 0);
    assert.is((await store().readStream(streamId)).length, 1);
  });

  test('an exact expected version appends when it matches and throws when it does not', async () => {
    const streamId = uniqueName('contract');
    await store().appendToStream(streamId, [newEvent('Opened')], 'no_stream');
    const second = await store().appendToStream(streamId, [newEvent('Changed')], 0);
    assert.is(second.nextExpectedVersion, 1);
    for (const stale of [0, 5]) {
      const error = await rejection(store().appendToStream(streamId, [newEvent('Changed')], stale));
      assert.instance(error, WrongExpectedVersionError);
      assert.is((error as WrongExpectedVersionError).expected, stale);
      assert.is((error as WrongExpectedVersionError).actual, 1);
    }
    const missing = await rejection(store().appendToStream(uniqueName('contract'), [newEvent('Changed')], 0));
    assert.instance(missing, WrongExpectedVersionError);
    assert.is((missing as WrongExpectedVersionError).actual, 'no_stream');
    assert.is((await store().readStream(streamId)).length, 2);
  });

  test('any appends to a new and to an existing stream', async () => {
    const streamId = uniqueName('contract');
    assert.is((await store().appendToStream(streamId, [newEvent('Opened')], 'any')).nextExpectedVersion, 0);
    assert.is((await store().appendToStream(streamId, [newEvent('Changed')], 'any')).nextExpectedVersion, 1);
  });

  test('versions stay consecutive from 0 across appends of different sizes', async () => {
    const streamId = uniqueName('contract');
    let expected: number | 'no_stream' = 'no_stream';
    for (const size of [1, 3, 2, 1]) {
      const events = Array.from({ length: size }, () => newEvent('Changed'));
      expected = (await store().appendToStream(streamId, events, expected)).nextExpectedVersion;
    }
    assert.is(expected, 6);
    assert.equal(
      (await store().readStream(streamId)).map((event) => event.version),
      [0, 1, 2, 3, 4, 5, 6],
    );
  });

  test('an empty append writes nothing, returns the current version, and still checks the expected one', async () => {
    const streamId = uniqueName('empty');
    assert.equal(await store().appendToStream(streamId, [], 'no_stream'), { nextExpectedVersion: -1, position: -1n });
    const appended = await store().appendToStream(streamId, [newEvent('Opened'), newEvent('Changed')], 'no_stream');
    assert.equal(await store().appendToStream(streamId, [], 'any'), appended);
    assert.equal(await store().appendToStream(streamId, [], 1), appended);
    for (const stale of ['no_stream', 0] as const) {
      const error = await store()
        .appendToStream(streamId, [], stale)
        .catch((caught: unknown) => caught);
      assert.instance(error, WrongExpectedVersionError);
      assert.is((error as WrongExpectedVersionError).actual, 1);
    }
    assert.is((await store().readStream(streamId)).length, 2);
  });

  test('readStream from a version returns the tail only', async () => {
    const streamId = uniqueName('contract');
    const events = Array.from({ length: 5 }, () => newEvent('Changed'));
    await store().appendToStream(streamId, events, 'no_stream');
    assert.equal(
      (await store().readStream(streamId, { fromVersion: 3 })).map((event) => event.id),
      events.slice(3).map((event) => event.id),
    );
    assert.equal(await store().readStream(streamId, { fromVersion: 5 }), []);
    assert.is((await store().readStream(streamId, { fromVersion: 0 })).length, 5);
  });

  test('readStream of an unknown stream is empty', async () => {
    assert.equal(await store().readStream(uniqueName('contract')), []);
  });

  test('re-sending the same event ids writes nothing and returns the earlier result', async () => {
    const streamId = uniqueName('contract');
    const events = [newEvent('Opened'), newEvent('Changed')];
    const first = await store().appendToStream(streamId, events, 'no_stream');
    const again = await store().appendToStream(streamId, events, 'no_stream');
    assert.equal(again, first);
    assert.equal(
      (await store().readStream(streamId)).map((event) => event.id),
      events.map((event) => event.id),
    );
  });

  test('re-sending after another writer appended more still returns the earlier result', async () => {
    const streamId = uniqueName('contract');
    const opened = newEvent('Opened');
    const retried = [newEvent('Changed'), newEvent('Changed')];
    const later = newEvent('Closed');
    await store().appendToStream(streamId, [opened], 'no_stream');
    const first = await store().appendToStream(streamId, retried, 0);
    await store().appendToStream(streamId, [later], 2);
    const again = await store().appendToStream(streamId, retried, 0);
    assert.equal(again, first);
    assert.is(again.nextExpectedVersion, 2);
    assert.equal(
      (await store().readStream(streamId)).map((event) => event.id),
      [opened, ...retried, later].map((event) => event.id),
    );
  });

  test('readAll returns events strictly after a position, in global order, across streams', async () => {
    const [marker, streamX, streamY] = [uniqueName('mark'), uniqueName('x'), uniqueName('y')];
    const start = await store().appendToStream(marker, [newEvent('Marked')], 'no_stream');
    const order: [string, NewEvent][] = [
      [streamX, newEvent('X0')],
      [streamY, newEvent('Y0')],
      [streamX, newEvent('X1')],
      [streamY, newEvent('Y1')],
    ];
    for (const [streamId, event] of order) await store().appendToStream(streamId, [event], 'any');
    const own = await readAllOwn(store(), start.position, [marker, streamX, streamY], order.length, 100);
    assert.equal(
      own.map((event) => event.id),
      order.map(([, event]) => event.id),
    );
    assert.ok(own.every((event) => event.position > start.position));
    const fromStreams = [...(await store().readStream(streamX)), ...(await store().readStream(streamY))];
    for (const event of own) {
      assert.is(fromStreams.find((stored) => stored.id === event.id)?.position, event.position);
    }
  });

  test('readAll honours limit, and paging by the last position returned reads everything once', async () => {
    const [marker, streamId] = [uniqueName('mark'), uniqueName('paged')];
    const start = await store().appendToStream(marker, [newEvent('Marked')], 'no_stream');
    const events = [newEvent('A'), newEvent('B'), newEvent('C')];
    await store().appendToStream(streamId, events, 'no_stream');
    const page = await waitFor(
      async () => {
        const read = await store().readAll({ after: start.position, limit: 2 });
        return read.length >= 2 ? read : undefined;
      },
      { what: 'a full page of two events' },
    );
    assert.is(page.length, 2);
    assertIncreasing(page);
    assert.ok(page.every((event) => event.position > start.position));
    const paged = await readAllOwn(store(), start.position, [marker, streamId], events.length, 1);
    assert.equal(
      paged.map((event) => event.id),
      events.map((event) => event.id),
    );
  });

  for (const [label, prepare, expected] of [
    ['an existing stream at version 0', true, 0],
    ['a new stream with no_stream', false, 'no_stream'],
  ] as const) {
    test(`concurrent appends to ${label} with the same expected version: exactly one wins`, async () => {
      const streamId = uniqueName('race');
      if (prepare) await store().appendToStream(streamId, [newEvent('Opened')], 'no_stream');
      const contenders = Array.from({ length: 8 }, () => newEvent('Raced'));
      const outcomes = await Promise.allSettled(
        contenders.map((event) => store().appendToStream(streamId, [event], expected)),
      );
      const winners = outcomes.flatMap((outcome, index) => (outcome.status === 'fulfilled' ? [contenders[index]] : []));
      assert.is(winners.length, 1, 'exactly one append wins');
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') assert.instance(outcome.reason, WrongExpectedVersionError);
      }
      const stored = await store().readStream(streamId);
      assert.is(stored.length, prepare ? 2 : 1);
      assert.is(stored.at(-1)?.id, winners[0]?.id);
    });
  }

  test('data and metadata round-trip: nested objects, numbers, unicode', async () => {
    const streamId = uniqueName('roundtrip');
    const data = {
      text: 'Grüße, 日本語, emoji 🎉👩‍👩‍👧, combining é, right-to-left שלום, quotes "\'\\, tab\t, newline\n',
      empty: '',
      numbers: { zero: 0, negative: -42, fraction: 0.1, large: Number.MAX_SAFE_INTEGER, minorUnits: 1999 },
      flags: [true, false, null],
      nested: {
        lines: [
          { sku: 'sku-1', quantity: 2 },
          { sku: 'sku-ü', quantity: 999 },
        ],
        deeper: { a: { b: {} } },
      },
      list: [],
    };
    const metadata: EventMetadata = {
      correlationId: randomUUID(),
      causationId: randomUUID(),
      commandId: randomUUID(),
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      note: 'Ünïcödé ✓ 🚚',
    };
    const described = newEvent('Described', data, metadata);
    const bare = newEvent('Bare', { only: 'data' });
    const start = await store().appendToStream(uniqueName('mark'), [newEvent('Marked')], 'no_stream');
    await store().appendToStream(streamId, [described, bare], 'no_stream');
    const [fromStream, fromAll] = [
      await store().readStream(streamId),
      await readAllOwn(store(), start.position, [streamId], 2, 100),
    ];
    for (const event of [fromStream[0], fromAll.find((read) => read.id === described.id)]) {
      assert.ok(event, 'the event is read back');
      assert.equal(event.data, data);
      assert.equal(event.metadata, metadata);
      assert.is(event.type, 'Described');
      assert.instance(event.recordedAt, Date);
    }
    assert.equal(fromStream[1]?.data, { only: 'data' });
    assert.equal(fromStream[1]?.metadata, {});
  });

  test.run();
};

const newEvent = (type: string, data: unknown = { at: type }, metadata?: EventMetadata): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  ...(metadata ? { metadata } : {}),
});

const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
};

const assertIncreasing = (events: RecordedEvent[]) => {
  for (let index = 1; index < events.length; index++) {
    const [before, after] = [events[index - 1]!, events[index]!];
    assert.ok(after.position > before.position, `position ${after.position} follows ${before.position}`);
  }
};

/**
 * Follows the global order from `after` the way a relay does (checkpointing the last position of each
 * page) until `count` events of the given streams have turned up; returns those, in the order read.
 */
const readAllOwn = (
  store: EventStore,
  after: bigint,
  streamIds: string[],
  count: number,
  pageSize: number,
): Promise<RecordedEvent[]> => {
  const wanted = new Set(streamIds);
  const own: RecordedEvent[] = [];
  let checkpoint = after;
  return waitFor(
    async () => {
      for (;;) {
        const page = await store.readAll({ after: checkpoint, limit: pageSize });
        assert.ok(page.length <= pageSize, `a page holds at most ${pageSize} events`);
        const last = page.at(-1);
        if (!last) break;
        assertIncreasing(page);
        assert.ok(page[0]!.position > checkpoint, 'readAll starts strictly after the position given');
        own.push(...page.filter((event) => wanted.has(event.streamId)));
        checkpoint = last.position;
        if (own.length >= count) break;
      }
      return own.length >= count ? own : undefined;
    },
    { what: `${count} events of ${streamIds.join(', ')} in readAll` },
  );
};

/**
 * The protocol double seen through the real `@eventstore/db-client`: what it answers must be what an
 * EventStoreDB node answers, down to the cases where the server is not idempotent.
 */
import { randomUUID } from 'node:crypto';
import {
  type AllStreamResolvedEvent,
  ANY,
  type AppendExpectedRevision,
  BACKWARDS,
  END,
  EventStoreDBClient,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  NO_STREAM,
  type Position,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  streamNameFilter,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { uniqueName } from '../names.ts';
import { waitFor } from '../wait.ts';
import { type EsdbProtocolDouble, startEsdbProtocolDouble } from './esdb-protocol-double.ts';

const event = (type = 'Happened', id: string = randomUUID()) => jsonEvent({ id, type, data: { type } });

const collect = async <T>(read: AsyncIterable<T>): Promise<T[]> => {
  const items: T[] = [];
  for await (const item of read) items.push(item);
  return items;
};

const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );

const connect = async (options?: { batchAppend: boolean }) => {
  const double = await startEsdbProtocolDouble(options);
  const client = EventStoreDBClient.connectionString(double.connectionString);
  return {
    double,
    client,
    stop: async () => {
      await client.dispose();
      await double.stop();
    },
  };
};

for (const batchAppend of [true, false]) {
  const test = suite(`esdb protocol double: appends over ${batchAppend ? 'Streams.BatchAppend' : 'Streams.Append'}`);
  let double: EsdbProtocolDouble;
  let client: EventStoreDBClient;
  let stop: () => Promise<void>;
  test.before(async () => {
    ({ double, client, stop } = await connect({ batchAppend }));
  });
  test.after(async () => stop());

  const append = (streamId: string, events: ReturnType<typeof event>[], expectedRevision: AppendExpectedRevision) =>
    client.appendToStream(streamId, events, { expectedRevision });

  test('a version conflict is the client WrongExpectedVersionError, with expected and actual revisions', async () => {
    const streamId = uniqueName('wev');
    await append(streamId, [event()], NO_STREAM);
    const cases: [string, AppendExpectedRevision, bigint | 'no_stream'][] = [
      [streamId, NO_STREAM, 0n],
      [streamId, 5n, 0n],
      [uniqueName('missing'), 0n, 'no_stream'],
      [uniqueName('missing'), STREAM_EXISTS, 'no_stream'],
    ];
    for (const [target, expected, actual] of cases) {
      const error = await rejection(append(target, [event()], expected));
      assert.instance(error, WrongExpectedVersionError);
      assert.is((error as WrongExpectedVersionError).expectedVersion, expected);
      assert.is((error as WrongExpectedVersionError).actualVersion, actual);
    }
    assert.is((await collect(client.readStream(streamId))).length, 1);
  });

  test('the same ids again are idempotent where the server is: behind the stream, or with any', async () => {
    const streamId = uniqueName('idempotent');
    const batch = [event('A'), event('B')];
    const first = await append(streamId, batch, NO_STREAM);
    assert.equal(await append(streamId, batch, NO_STREAM), first);
    await append(streamId, [event('C')], 1n);
    assert.equal(await append(streamId, batch, NO_STREAM), first, 'retried after another writer appended');
    assert.equal(await append(streamId, batch, ANY), first);
    const ids = (await collect(client.readStream(streamId))).map((read) => read.event?.type);
    assert.equal(ids, ['A', 'B', 'C']);
  });

  test('where the server is not idempotent, neither is the double', async () => {
    const streamId = uniqueName('not_idempotent');
    const known = event('Known');
    await append(streamId, [known], NO_STREAM);
    // Partly known ids without an expected revision: "corrupted idempotency", a version conflict.
    assert.instance(await rejection(append(streamId, [known, event('Fresh')], ANY)), WrongExpectedVersionError);
    // At the current revision the server writes without looking at ids.
    const again = await append(streamId, [event('Known', known.id)], 0n);
    assert.is(again.nextExpectedRevision, 1n);
    assert.is((await collect(client.readStream(streamId))).length, 2);
  });

  test('a lost acknowledgement fails the call, the events stay written, the client reconnects', async () => {
    const streamId = uniqueName('lost');
    double.loseNextAppendAck();
    assert.instance(await rejection(append(streamId, [event()], NO_STREAM)), UnavailableError);
    assert.is((await collect(client.readStream(streamId))).length, 1);
    assert.is((await append(streamId, [event()], 0n)).nextExpectedRevision, 1n);
  });

  test.run();
}

const reads = suite('esdb protocol double: reads and subscriptions');
let client: EventStoreDBClient;
let stop: () => Promise<void>;
reads.before(async () => {
  ({ client, stop } = await connect());
});
reads.after(async () => stop());

reads('stream reads go forwards or backwards from a revision; an unknown stream is StreamNotFound', async () => {
  const streamId = uniqueName('stream');
  await client.appendToStream(
    streamId,
    ['E0', 'E1', 'E2', 'E3'].map((type) => event(type)),
  );
  const types = async (options: Parameters<EventStoreDBClient['readStream']>[1]) =>
    (await collect(client.readStream(streamId, options))).map((read) => read.event?.type);
  assert.equal(await types({ fromRevision: 2n }), ['E2', 'E3']);
  assert.equal(await types({ direction: BACKWARDS, fromRevision: END, maxCount: 2 }), ['E3', 'E2']);
  assert.equal(await types({ direction: BACKWARDS, fromRevision: 1n }), ['E1', 'E0']);
  assert.equal(await types({ fromRevision: START, maxCount: 1 }), ['E0']);
  assert.instance(await rejection(collect(client.readStream(uniqueName('unknown')))), StreamNotFoundError);
});

reads('$all starts with system events; positions grow with gaps, commit equal to prepare', async () => {
  const all = await collect(client.readAll({ fromPosition: START, maxCount: 2 }));
  assert.ok(all.every((read) => read.event?.streamId.startsWith('$')));
  const streamId = uniqueName('positions');
  const appended = await client.appendToStream(streamId, [event('P0'), event('P1')]);
  const [first, second] = (await collect(client.readStream(streamId))).map((read) => read.event!.position!);
  assert.equal(first?.commit, first?.prepare);
  assert.ok(second!.commit > first!.commit + 1n, 'positions leave gaps, like byte offsets in a log');
  assert.equal(appended.position, second);
  const inclusive = await collect(client.readAll({ fromPosition: first!, maxCount: 1 }));
  assert.is(inclusive[0]?.event?.type, 'P0', 'reading $all forwards from a position includes it');
  const latest = await collect(client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }));
  assert.is(latest[0]?.event?.type, 'P1');
});

/** Subscribes and records events and checkpoints until told to stop. */
const follow = (options: Parameters<EventStoreDBClient['subscribeToAll']>[0]) => {
  const events: AllStreamResolvedEvent[] = [];
  const checkpoints: Position[] = [];
  let caughtUp = false;
  const filter = options?.filter && {
    ...options.filter,
    checkpointReached: async (_: unknown, position: Position) => {
      checkpoints.push(position);
    },
  };
  const subscription = client.subscribeToAll({ ...options, ...(filter ? { filter } : {}) });
  subscription.on('data', (resolved: AllStreamResolvedEvent) => events.push(resolved));
  subscription.on('caughtUp', () => {
    caughtUp = true;
  });
  return { events, checkpoints, isCaughtUp: () => caughtUp, stop: () => subscription.unsubscribe() };
};

reads('a filtered subscription sends matching events, checkpoints past the rest, then follows live', async () => {
  const prefix = `${uniqueName('wanted')}-`;
  const start = await client.appendToStream(uniqueName('before'), [event()]);
  for (let index = 0; index < 5; index++) await client.appendToStream(uniqueName('noise'), [event('Noise')]);
  const wanted = await client.appendToStream(`${prefix}1`, [event('Wanted')]);
  const lastNoise = await client.appendToStream(uniqueName('noise'), [event('Noise')]);
  const filter = streamNameFilter({ prefixes: [prefix], maxSearchWindow: 2, checkpointInterval: 1 });
  const followed = follow({ fromPosition: start.position!, filter });
  try {
    await waitFor(() => followed.isCaughtUp(), { what: 'caught up' });
    assert.equal(
      followed.events.map((read) => read.event?.streamId),
      [`${prefix}1`],
    );
    assert.equal(followed.events[0]?.event?.position, wanted.position);
    const commits = followed.checkpoints.map((checkpoint) => checkpoint.commit);
    assert.ok(commits.length >= 3, `a checkpoint every 2 records considered, got ${commits.length}`);
    assert.ok(commits.every((commit, index) => index === 0 || commit > commits[index - 1]!));
    assert.is(commits.at(-1), lastNoise.position?.commit, 'caught up to the last record, matching or not');

    const live = await client.appendToStream(`${prefix}2`, [event('Live')]);
    await waitFor(() => followed.events.length === 2, { what: 'the live event' });
    assert.equal(followed.events[1]?.event?.position, live.position);
  } finally {
    await followed.stop();
  }
  const resumed = follow({ fromPosition: wanted.position!, filter });
  try {
    await waitFor(() => resumed.isCaughtUp(), { what: 'the resumed subscription caught up' });
    assert.equal(
      resumed.events.map((read) => read.event?.streamId),
      [`${prefix}2`],
      'resuming from a position sends only what follows it',
    );
  } finally {
    await resumed.stop();
  }
});

reads('event type filters: a regex leaves system events out, prefixes pick types', async () => {
  const start = await client.appendToStream(uniqueName('mark'), [event()]);
  const type = `Typed${randomUUID().slice(0, 8)}`;
  await client.appendToStream(`$${uniqueName('system')}`, [event('$SystemThing')]);
  await client.appendToStream(uniqueName('typed'), [event(type), event('Other')]);
  const userOnly = follow({ fromPosition: start.position!, filter: excludeSystemEvents() });
  const byType = follow({ fromPosition: start.position!, filter: eventTypeFilter({ prefixes: [type] }) });
  try {
    await waitFor(() => userOnly.isCaughtUp() && byType.isCaughtUp(), { what: 'both caught up' });
    assert.equal(
      userOnly.events.map((read) => read.event?.type),
      [type, 'Other'],
    );
    assert.equal(
      byType.events.map((read) => read.event?.type),
      [type],
    );
  } finally {
    await Promise.all([userOnly.stop(), byType.stop()]);
  }
});

reads.run();

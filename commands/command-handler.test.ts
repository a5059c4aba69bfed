import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Decider } from '../domain/decider.ts';
import { ruleBroken } from '../domain/errors.ts';
import type { Command, Event } from '../domain/message.ts';
import { handleCommand } from './command-handler.ts';
import {
  type AppendResult,
  type EventStore,
  type ExpectedVersion,
  type NewEvent,
  type RecordedEvent,
  WrongExpectedVersionError,
} from './event-store/event-store.ts';

type Add = Command<'Add', { amount: number }>;
type Added = Event<'Added', { amount: number }>;

/** A counter that refuses to go above 10, enough to exercise the handler's own logic. */
const counter: Decider<number, Add, Added> = {
  initialState: () => 0,
  evolve: (total, event) => total + event.data.amount,
  decide: (command, total) => {
    if (command.data.amount === 0) return [];
    if (total + command.data.amount > 10) throw ruleBroken('counter_limit', 'the counter stops at 10');
    return [{ type: 'Added', data: { amount: command.data.amount } }];
  },
};

const add = (amount: number, commandId: string): Add => ({
  type: 'Add',
  data: { amount },
  metadata: { commandId, now: '2024-01-01T00:00:00.000Z' },
});

/** In-memory store; `beforeAppend` lets a test play a concurrent writer. */
const fakeStore = () => {
  const streams = new Map<string, RecordedEvent[]>();
  let position = 0n;
  const calls = { reads: 0, appends: [] as ExpectedVersion[], readFrom: [] as number[] };
  const hooks = { beforeAppend: (_streamId: string): void => undefined };
  const write = (streamId: string, events: NewEvent[]): AppendResult => {
    const stream = streams.get(streamId) ?? [];
    for (const event of events) {
      position += 10n;
      stream.push({
        ...event,
        streamId,
        version: stream.length,
        position,
        metadata: event.metadata ?? {},
        recordedAt: new Date(),
      });
    }
    streams.set(streamId, stream);
    return { nextExpectedVersion: stream.length - 1, position };
  };
  const store: EventStore = {
    readStream: async (streamId, { fromVersion = 0 } = {}) => {
      calls.reads++;
      calls.readFrom.push(fromVersion);
      return (streams.get(streamId) ?? []).filter((event) => event.version >= fromVersion);
    },
    appendToStream: async (streamId, events, expected) => {
      calls.appends.push(expected);
      hooks.beforeAppend(streamId);
      const actual = (streams.get(streamId)?.length ?? 0) - 1;
      const matches = expected === 'any' || (expected === 'no_stream' ? actual === -1 : expected === actual);
      if (!matches) throw new WrongExpectedVersionError(streamId, expected, actual === -1 ? 'no_stream' : actual);
      return write(streamId, events);
    },
    readAll: async () => [],
    ping: async () => true,
    close: async () => undefined,
  };
  return { store, streams, calls, hooks, write };
};

const rejectionOf = async (run: () => Promise<unknown>): Promise<unknown> => {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
};

const handler = suite('handleCommand');

handler('appends the decided events to a new stream with no_stream and stamps their metadata', async () => {
  const { store, calls, streams } = fakeStore();
  const outcome = await handleCommand({
    store,
    decider: counter,
    streamId: 'counter-a',
    command: { ...add(3, 'c1'), metadata: { ...add(3, 'c1').metadata, correlationId: 'order-7' } },
    metadata: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    newId: () => 'e1',
  });
  assert.equal(calls.appends, ['no_stream']);
  assert.equal(outcome.nextExpectedVersion, 0);
  assert.equal(outcome.position, 10n);
  assert.equal(outcome.events, [
    {
      id: 'e1',
      type: 'Added',
      data: { amount: 3 },
      streamId: 'counter-a',
      version: 0,
      metadata: {
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        commandId: 'c1',
        correlationId: 'order-7',
        causationId: 'c1',
      },
    },
  ]);
  assert.equal(streams.get('counter-a')?.[0]?.metadata.commandId, 'c1');
});

handler('folds the history and appends with the last version as the expected one', async () => {
  const { store, calls } = fakeStore();
  await handleCommand({ store, decider: counter, streamId: 'counter-b', command: add(4, 'c1') });
  await handleCommand({ store, decider: counter, streamId: 'counter-b', command: add(4, 'c2') });
  const refusal = await rejectionOf(() =>
    handleCommand({ store, decider: counter, streamId: 'counter-b', command: add(4, 'c3') }),
  );
  assert.is((refusal as { rule?: string }).rule, 'counter_limit');
  assert.equal(calls.appends, ['no_stream', 0]);
});

handler('a repeated command id returns the earlier outcome and appends nothing', async () => {
  const { store, calls, write } = fakeStore();
  const first = await handleCommand({ store, decider: counter, streamId: 'counter-c', command: add(2, 'c1') });
  write('counter-c', [{ id: 'other', type: 'Added', data: { amount: 1 }, metadata: { commandId: 'c2' } }]);
  const again = await handleCommand({ store, decider: counter, streamId: 'counter-c', command: add(2, 'c1') });
  assert.equal(calls.appends.length, 1);
  assert.equal(again.position, first.position);
  assert.equal(again.nextExpectedVersion, 0);
  assert.equal(
    again.events.map((event) => event.id),
    first.events.map((event) => event.id),
  );
});

handler('retries on a version conflict, deciding again on the fresh history', async () => {
  const { store, calls, hooks, write } = fakeStore();
  let concurrentWrites = 2;
  hooks.beforeAppend = (streamId) => {
    if (concurrentWrites-- > 0) write(streamId, [{ id: `x${concurrentWrites}`, type: 'Added', data: { amount: 1 } }]);
  };
  const outcome = await handleCommand({ store, decider: counter, streamId: 'counter-d', command: add(5, 'c1') });
  assert.equal(calls.appends, ['no_stream', 0, 1]);
  assert.equal(outcome.nextExpectedVersion, 2);
});

handler('gives up after the attempt limit and rethrows the conflict', async () => {
  const { store, calls, hooks, write } = fakeStore();
  hooks.beforeAppend = (streamId) => {
    write(streamId, [{ id: `x${calls.appends.length}`, type: 'Added', data: { amount: 0 } }]);
  };
  const conflict = await rejectionOf(() =>
    handleCommand({ store, decider: counter, streamId: 'counter-e', command: add(1, 'c1'), retries: 3 }),
  );
  assert.instance(conflict, WrongExpectedVersionError);
  assert.is(calls.appends.length, 3);
  assert.is(calls.reads, 3);
});

handler('does not retry a refusal of the decider', async () => {
  const { store, calls } = fakeStore();
  const refusal = await rejectionOf(() =>
    handleCommand({ store, decider: counter, streamId: 'counter-f', command: add(11, 'c1') }),
  );
  assert.is((refusal as { rule?: string }).rule, 'counter_limit');
  assert.is(calls.reads, 1);
  assert.is(calls.appends.length, 0);
});

handler('an empty decision appends nothing and reports where the stream stands', async () => {
  const { store, calls } = fakeStore();
  const empty = await handleCommand({ store, decider: counter, streamId: 'counter-g', command: add(0, 'c1') });
  assert.equal(empty, { events: [], nextExpectedVersion: -1, position: 0n });
  const added = await handleCommand({ store, decider: counter, streamId: 'counter-g', command: add(1, 'c2') });
  const none = await handleCommand({ store, decider: counter, streamId: 'counter-g', command: add(0, 'c3') });
  assert.equal(none, { events: [], nextExpectedVersion: 0, position: added.position });
  assert.is(calls.appends.length, 1);
});

handler('a stream already folded is read from its tail only, including what another writer appended', async () => {
  const { store, calls, write } = fakeStore();
  await handleCommand({ store, decider: counter, streamId: 'counter-h', command: add(2, 'c1') });
  write('counter-h', [{ id: 'elsewhere', type: 'Added', data: { amount: 5 }, metadata: { commandId: 'c-other' } }]);
  await handleCommand({ store, decider: counter, streamId: 'counter-h', command: add(1, 'c2') });
  const refusal = await rejectionOf(() =>
    handleCommand({ store, decider: counter, streamId: 'counter-h', command: add(3, 'c3') }),
  );
  assert.is(
    (refusal as { rule?: string }).rule,
    'counter_limit',
    '2 + 5 + 1 + 3 > 10: the foreign event was folded in',
  );
  assert.equal(calls.readFrom, [0, 1, 3]);
  assert.equal(calls.appends, ['no_stream', 1]);
});

handler('a command id far behind the tail still gets its earlier outcome', async () => {
  const { store, calls } = fakeStore();
  const first = await handleCommand({ store, decider: counter, streamId: 'counter-i', command: add(1, 'c1') });
  for (const id of ['c2', 'c3', 'c4']) {
    await handleCommand({ store, decider: counter, streamId: 'counter-i', command: add(1, id) });
  }
  const again = await handleCommand({ store, decider: counter, streamId: 'counter-i', command: add(1, 'c1') });
  assert.equal(
    again.events.map((event) => event.id),
    first.events.map((event) => event.id),
  );
  assert.is(again.nextExpectedVersion, 0);
  assert.is(calls.appends.length, 4);
});

handler.run();

/**
 * The shared contract and the adapter's own behaviour, against the gRPC protocol double by default, or
 * unchanged against a real EventStoreDB when EVENTSTORE_TEST_URL is set (e.g. esdb://127.0.0.1:2113?tls=false).
 * Tests that need the double's fault injection run only against the double.
 */
import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type EsdbProtocolDouble,
  startEsdbProtocolDouble,
} from '../../../test/support/esdb-protocol-double/esdb-protocol-double.ts';
import { uniqueName } from '../../../test/support/names.ts';
import { eventStoreContract } from '../event-store.contract.ts';
import { type NewEvent, WrongExpectedVersionError } from '../event-store.ts';
import { EsdbEventStore } from './esdb-event-store.ts';

const realServerUrl = process.env.EVENTSTORE_TEST_URL;

const storeUnderTest = async (batchAppend = true) => {
  if (realServerUrl) {
    const store = EsdbEventStore.fromConnectionString(realServerUrl);
    return { store, double: undefined, teardown: () => store.close() };
  }
  const double = await startEsdbProtocolDouble({ batchAppend });
  const store = EsdbEventStore.fromConnectionString(double.connectionString);
  return {
    store,
    double,
    teardown: async () => {
      await store.close();
      await double.stop();
    },
  };
};

eventStoreContract(realServerUrl ? 'EsdbEventStore on EVENTSTORE_TEST_URL' : 'EsdbEventStore', () => storeUnderTest());
// Servers before 21.10 have no BatchAppend; the client then sends one Streams.Append call per append.
if (!realServerUrl) eventStoreContract('EsdbEventStore over Streams.Append', () => storeUnderTest(false));

const test = suite('EsdbEventStore');
let store: EsdbEventStore;
let double: EsdbProtocolDouble | undefined;
let teardown: () => Promise<void>;

test.before(async () => {
  ({ store, double, teardown } = await storeUnderTest());
});
test.after(async () => teardown());

const newEvent = (type = 'Happened'): NewEvent => ({ id: randomUUID(), type, data: { type } });

test('an append whose acknowledgement was lost is answered, on retry, with its earlier result', async () => {
  if (!double) return;
  const streamId = uniqueName('lost_ack');
  const events = [newEvent('Opened'), newEvent('Changed')];
  double.loseNextAppendAck();
  const lost = await store.appendToStream(streamId, events, 'no_stream').catch((error: unknown) => error);
  assert.instance(lost, Error);
  assert.not.instance(lost, WrongExpectedVersionError);
  const retried = await store.appendToStream(streamId, events, 'no_stream');
  const stored = await store.readStream(streamId);
  assert.equal(
    stored.map((event) => event.id),
    events.map((event) => event.id),
  );
  assert.equal(retried, { nextExpectedVersion: 1, position: stored[1]!.position });
});

test('readAll leaves out system events, even a run longer than a page', async () => {
  const start = await store.appendToStream(uniqueName('mark'), [newEvent('Marked')], 'no_stream');
  const system = Array.from({ length: 150 }, () => newEvent('Ticked'));
  await store.appendToStream(`$${uniqueName('system')}`, system, 'no_stream');
  const ownStream = uniqueName('after_system');
  const own = newEvent('Own');
  await store.appendToStream(ownStream, [own], 'no_stream');
  const page = await store.readAll({ after: start.position, limit: 1 });
  assert.is(page.length, 1);
  assert.not.ok(page[0]!.streamId.startsWith('$'), `${page[0]!.streamId} is not a system stream`);
  if (double) assert.is(page[0]!.id, own.id, 'nobody else writes to the double');
  const fromStart = await store.readAll({ after: 0n, limit: 5 });
  assert.ok(fromStart.length > 0);
  assert.ok(fromStart.every((event) => !event.streamId.startsWith('$') && !event.type.startsWith('$')));
});

test('malformed appends and reads are refused before they reach the server', async () => {
  const streamId = uniqueName('invalid');
  const event = newEvent();
  const refusals: [Promise<unknown>, new (...args: never[]) => Error][] = [
    [store.appendToStream(streamId, [newEvent()], -1), RangeError],
    [store.appendToStream(streamId, [newEvent()], 1.5), RangeError],
    [store.appendToStream(streamId, [{ id: 'not-a-uuid', type: 'X', data: {} }], 'any'), TypeError],
    [store.appendToStream(streamId, [{ id: randomUUID(), type: '', data: {} }], 'any'), TypeError],
    [store.appendToStream('', [newEvent()], 'any'), TypeError],
    [store.appendToStream(streamId, [event, event], 'any'), TypeError],
    [store.readAll({ after: 0n, limit: 0 }), RangeError],
  ];
  for (const [call, type] of refusals) assert.instance(await call.catch((caught: unknown) => caught), type);
  assert.equal(await store.readStream(streamId), []);
});

test('a conflict is still WrongExpectedVersionError when the client reports failures instead of throwing', async () => {
  if (!double) return;
  const lenient = EsdbEventStore.fromConnectionString(`${double.connectionString}&throwOnAppendFailure=false`);
  try {
    const streamId = uniqueName('lenient');
    await lenient.appendToStream(streamId, [newEvent()], 'no_stream');
    const error = await lenient.appendToStream(streamId, [newEvent()], 'no_stream').catch((caught: unknown) => caught);
    assert.instance(error, WrongExpectedVersionError);
    assert.is((error as WrongExpectedVersionError).actual, 0);
  } finally {
    await lenient.close();
  }
});

test('ping answers true while the server answers, false once the store is closed or the server is gone', async () => {
  assert.ok(await store.ping());
  if (!double) return;
  const doomed = await startEsdbProtocolDouble();
  const orphan = EsdbEventStore.fromConnectionString(doomed.connectionString);
  assert.ok(await orphan.ping());
  await doomed.stop();
  assert.not.ok(await orphan.ping());
  await orphan.close();
  assert.not.ok(await orphan.ping());
});

test('a store on a borrowed client leaves the client open on close()', async () => {
  const client = EventStoreDBClient.connectionString(realServerUrl ?? double!.connectionString);
  try {
    const borrowing = new EsdbEventStore(client);
    await borrowing.close();
    assert.not.ok(await borrowing.ping(), 'a closed store reports itself down');
    const streamId = uniqueName('borrowed');
    assert.is(
      (await new EsdbEventStore(client).appendToStream(streamId, [newEvent()], 'no_stream')).nextExpectedVersion,
      0,
    );
  } finally {
    await client.dispose();
  }
});

test.run();

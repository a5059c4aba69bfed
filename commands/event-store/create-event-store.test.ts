import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createEventStore } from './create-event-store.ts';
import { EsdbEventStore } from './eventstoredb/esdb-event-store.ts';
import { PostgresEventStore } from './postgres/postgres-event-store.ts';

const test = suite('createEventStore');

// Neither pg.Pool nor the EventStoreDB client connects before its first call, so this test does no I/O.
test('postgres:// and postgresql:// give a PostgresEventStore', async () => {
  for (const url of ['postgres://postgres@127.0.0.1:5432/orders', 'PostgreSQL://postgres@127.0.0.1/orders']) {
    const store = createEventStore(url);
    assert.instance(store, PostgresEventStore);
    await store.close();
  }
});

test('esdb:// and esdb+discover:// give an EsdbEventStore', async () => {
  for (const url of ['esdb://127.0.0.1:2113?tls=false', 'esdb+discover://cluster.local:2113?tls=false']) {
    const store = createEventStore(url);
    assert.instance(store, EsdbEventStore);
    await store.close();
  }
});

test('any other URL is refused with the accepted schemes named, and without its password', () => {
  for (const url of ['mysql://user:secret@db/orders', 'orders', '']) {
    assert.throws(
      () => createEventStore(url),
      (error: Error) =>
        /postgres:\/\/, postgresql:\/\/, esdb:\/\/, esdb\+discover:\/\//.test(error.message) &&
        !error.message.includes('secret'),
    );
  }
});

test.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { domainEventTypes, eventTypesByAggregate } from '../domain/domain-event.ts';
import { notificationEventTypes } from '../domain/notification/events.ts';
import { sagaEventTypes } from '../domain/order-saga/events.ts';
import {
  avroTypeOf,
  decodeDomainEvent,
  decodeEvent,
  encodeEvent,
  latestSchemaVersion,
  SchemaDecodeError,
  SchemaEncodeError,
  schemaEventTypes,
  schemaVersionsOf,
  UnknownSchemaError,
} from './avro-codec.ts';
import { eventCatalog } from './event-catalog.ts';
import { exampleEvents } from './examples.ts';

const coverage = suite('schema coverage');

/** Every event any decider emits (the aggregates' and the saga's) and the notifier's. */
const allEventTypes = [...domainEventTypes, ...sagaEventTypes, ...notificationEventTypes];

coverage('every event type of every decider has a v1 schema and a catalog entry', () => {
  const withSchema = new Set(schemaEventTypes());
  for (const eventType of allEventTypes) {
    assert.ok(withSchema.has(eventType), `no schema file for ${eventType}`);
    assert.ok(schemaVersionsOf(eventType).includes(1), `no v1 schema for ${eventType}`);
    assert.is(eventCatalog[eventType].latestVersion, latestSchemaVersion(eventType), `catalog version of ${eventType}`);
  }
  for (const [aggregate, eventTypes] of Object.entries(eventTypesByAggregate)) {
    for (const eventType of eventTypes) assert.is(eventCatalog[eventType].aggregate, aggregate, eventType);
  }
  for (const eventType of sagaEventTypes) assert.is(eventCatalog[eventType].aggregate, 'saga', eventType);
  for (const eventType of notificationEventTypes) {
    assert.is(eventCatalog[eventType].aggregate, 'notification', eventType);
  }
});

coverage('no schema file describes an event no decider emits', () => {
  assert.equal(schemaEventTypes(), [...allEventTypes].sort());
});

coverage('versions of a type are consecutive from 1', () => {
  for (const eventType of schemaEventTypes()) {
    const versions = schemaVersionsOf(eventType);
    assert.equal(
      versions,
      versions.map((_, index) => index + 1),
      eventType,
    );
  }
});

const roundTrip = suite('round trip of emitted events');

roundTrip('the examples cover every event type', () => {
  const exampleTypes = new Set(exampleEvents().map((event) => event.type));
  for (const eventType of allEventTypes) assert.ok(exampleTypes.has(eventType), `no example of ${eventType}`);
});

roundTrip('every example event survives encode and decode unchanged', () => {
  for (const event of exampleEvents()) {
    const { schemaVersion, payload } = encodeEvent(event.type, event.data);
    assert.is(schemaVersion, latestSchemaVersion(event.type));
    assert.equal(decodeEvent(event.type, schemaVersion, payload), event.data, event.type);
    if (domainEventTypes.some((type) => type === event.type)) {
      assert.equal(decodeDomainEvent(event.type, schemaVersion, payload), event);
    }
  }
});

roundTrip('data that does not fit the schema is refused with the offending path', () => {
  const error = (() => {
    try {
      encodeEvent('OrderConfirmed', { orderId: 'o1', confirmedAt: 42 });
    } catch (thrown) {
      return thrown;
    }
  })();
  assert.instance(error, SchemaEncodeError);
  assert.equal((error as SchemaEncodeError).paths, ['confirmedAt']);
});

const evolution = suite('schema evolution');

/** Drops the Avro record classes so values of two schema versions compare by content. */
const asJson = (value: unknown): Record<string, unknown> => JSON.parse(JSON.stringify(value));

/** Values written with version N-1: random ones of the schema, plus the examples narrowed to it. */
const writtenWithPrevious = (eventType: string, previous: number): unknown[] => {
  const writer = avroTypeOf(eventType, previous);
  const fromExamples = exampleEvents()
    .filter((event) => event.type === eventType)
    .map((event) => writer.fromBuffer(writer.toBuffer(event.data)));
  return [...fromExamples, ...Array.from({ length: 20 }, () => writer.random())];
};

evolution('every version N > 1 reads what version N-1 wrote', () => {
  let checked = 0;
  for (const eventType of schemaEventTypes()) {
    for (const version of schemaVersionsOf(eventType).filter((v) => v > 1)) {
      const previous = avroTypeOf(eventType, version - 1);
      const reader = avroTypeOf(eventType, version);
      const resolver = reader.createResolver(previous);
      for (const value of writtenWithPrevious(eventType, version - 1)) {
        const read = reader.fromBuffer(previous.toBuffer(value), resolver);
        assert.ok(reader.isValid(read), `${eventType} v${version} read an invalid value from v${version - 1}`);
        const before = asJson(value);
        const after = asJson(read);
        for (const field of Object.keys(before)) {
          if (field in after) assert.equal(after[field], before[field], `${eventType}.${field}`);
        }
        checked++;
      }
    }
  }
  assert.ok(checked > 0, 'no schema has a version 2');
});

evolution('an OrderPlaced written with v1 decodes with the default currency', () => {
  const placed = exampleEvents().find((event) => event.type === 'OrderPlaced');
  assert.ok(placed);
  const { currency: _, ...v1Data } = placed.data as Record<string, unknown>;
  const payload = avroTypeOf('OrderPlaced', 1).toBuffer(v1Data);
  assert.equal(decodeEvent('OrderPlaced', 1, payload), { ...v1Data, currency: 'EUR' });
});

const failures = suite('codec failures');

failures('an unknown type or version is an UnknownSchemaError', () => {
  assert.throws(
    () => encodeEvent('OrderTeleported', {}),
    (error: unknown) => error instanceof UnknownSchemaError,
  );
  assert.throws(
    () => decodeEvent('OrderPlaced', 99, Buffer.alloc(0)),
    (error: unknown) => error instanceof UnknownSchemaError && error.schemaVersion === 99,
  );
});

failures('bytes that are not the schema are a SchemaDecodeError', () => {
  const { payload } = encodeEvent('OrderConfirmed', { orderId: 'o1', confirmedAt: '2025-01-01T00:00:00.000Z' });
  for (const bad of [payload.subarray(0, 3), Buffer.concat([payload, Buffer.from([1])]), Buffer.from([0xff])]) {
    assert.throws(
      () => decodeEvent('OrderConfirmed', 1, bad),
      (error: unknown) => error instanceof SchemaDecodeError,
    );
  }
});

coverage.run();
roundTrip.run();
evolution.run();
failures.run();

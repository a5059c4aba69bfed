/**
 * The saga's given/when/then specs again, now with every event they name, given or expected, checked to
 * survive its Avro schema unchanged (the domain specs alone cannot: domain/ knows no schema). The spec
 * files only queue their suites when imported; uvu runs them after this module has registered the check.
 */
import * as assert from 'uvu/assert';
import '../domain/order-saga/compensation.test.ts';
import '../domain/order-saga/decide.test.ts';
import '../domain/order-saga/reports.test.ts';
import '../domain/order-saga/retry.test.ts';
import { specEventChecks } from '../domain/order-saga/specs.ts';
import { decodeEvent, encodeEvent } from './avro-codec.ts';

specEventChecks.push((event) => {
  const { schemaVersion, payload } = encodeEvent(event.type, event.data);
  assert.equal(decodeEvent(event.type, schemaVersion, payload), event.data, `${event.type} round trip`);
});

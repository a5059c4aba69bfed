import { randomBytes } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { check } from '../../platform/http/validation.ts';
import {
  canonicalJson,
  idempotencyKeyHeaders,
  orderIdForKey,
  placeOrderCommandIdForKey,
  requestHash,
} from './idempotency.ts';

const idempotency = suite('idempotency');

const dataKey = randomBytes(32);

idempotency('the same subject and key give the same order id; another subject, key or data key another', () => {
  assert.is(orderIdForKey(dataKey, 'c1', 'key-1'), orderIdForKey(dataKey, 'c1', 'key-1'));
  assert.is.not(orderIdForKey(dataKey, 'c1', 'key-1'), orderIdForKey(dataKey, 'c1', 'key-2'));
  assert.is.not(orderIdForKey(dataKey, 'c1', 'key-1'), orderIdForKey(dataKey, 'c2', 'key-1'), 'keys are per subject');
  assert.is.not(orderIdForKey(dataKey, 'c1', 'key-1'), orderIdForKey(randomBytes(32), 'c1', 'key-1'));
  // The parts cannot be shifted into one another: ("c1:k", "x") is not ("c1", "k:x").
  assert.is.not(orderIdForKey(dataKey, 'c1:k', 'x'), orderIdForKey(dataKey, 'c1', 'k:x'));
  assert.is.not(placeOrderCommandIdForKey(dataKey, 'c1', 'key-1'), orderIdForKey(dataKey, 'c1', 'key-1'));
  assert.match(
    orderIdForKey(dataKey, 'c1', 'key-1'),
    /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
});

idempotency('the request hash ignores key order and undefined fields, not values', () => {
  const a = { customerId: 'c1', items: [{ sku: 's', quantity: 1 }], payment: [{ method: 'card', amount: 5 }] };
  const b = {
    payment: [{ amount: 5, method: 'card', token: undefined }],
    items: [{ quantity: 1, sku: 's' }],
    customerId: 'c1',
  };
  assert.is(requestHash(dataKey, a), requestHash(dataKey, b));
  assert.is.not(requestHash(dataKey, a), requestHash(dataKey, { ...a, customerId: 'c2' }));
  assert.is.not(
    requestHash(dataKey, a),
    requestHash(randomBytes(32), a),
    'keyed: a token in it cannot be tested by guessing',
  );
  assert.is(canonicalJson({ b: [1, { d: null, c: 'x' }], a: true }), '{"a":true,"b":[1,{"c":"x","d":null}]}');
});

idempotency('a usable key passes; an absent one is undefined; a long or non-printable one is a field error', () => {
  const keyOf = (key: string | undefined) =>
    check(idempotencyKeyHeaders, key === undefined ? {} : { 'Idempotency-Key': key });
  assert.equal(keyOf('abc-123'), { ok: true, value: { 'Idempotency-Key': 'abc-123' } });
  assert.equal(keyOf(undefined), { ok: true, value: {} });
  for (const bad of ['x'.repeat(201), 'has space', 'tab\there']) {
    assert.equal(
      keyOf(bad),
      { ok: false, errors: [{ field: 'Idempotency-Key', message: 'must be 1 to 200 printable ASCII characters' }] },
      bad,
    );
  }
});

idempotency.run();

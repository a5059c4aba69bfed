import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { check } from '../../platform/http/validation.ts';
import {
  canonicalJson,
  idempotencyKeyHeaders,
  nameBasedUuid,
  orderIdForKey,
  placeOrderCommandIdForKey,
  requestHash,
} from './idempotency.ts';

const idempotency = suite('idempotency');

idempotency('nameBasedUuid is RFC 9562 version 5 (the DNS example of the RFC)', () => {
  assert.is(
    nameBasedUuid('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'),
    '2ed6657d-e927-568b-95e1-2665a8aea6a2',
  );
});

idempotency('the same key gives the same order id; the command id differs from it', () => {
  assert.is(orderIdForKey('key-1'), orderIdForKey('key-1'));
  assert.is.not(orderIdForKey('key-1'), orderIdForKey('key-2'));
  assert.is.not(placeOrderCommandIdForKey('key-1'), orderIdForKey('key-1'));
  assert.match(orderIdForKey('key-1'), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

idempotency('the request hash ignores key order and undefined fields, not values', () => {
  const a = { customerId: 'c1', items: [{ sku: 's', quantity: 1 }], payment: [{ method: 'card', amount: 5 }] };
  const b = {
    payment: [{ amount: 5, method: 'card', token: undefined }],
    items: [{ quantity: 1, sku: 's' }],
    customerId: 'c1',
  };
  assert.is(requestHash(a), requestHash(b));
  assert.is.not(requestHash(a), requestHash({ ...a, customerId: 'c2' }));
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

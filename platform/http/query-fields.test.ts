import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { object } from './fields.ts';
import { defaultPageSize, pageSize, pathSegment, queryOneOf, queryText } from './query-fields.ts';
import { check } from './validation.ts';

const query = object({
  status: queryOneOf(['pending', 'confirmed']),
  customerId: queryText(),
  limit: pageSize(),
});

const read = (values: Record<string, string | string[]>) => {
  const checked = check(query, values);
  if (!checked.ok) throw new Error(`refused ${JSON.stringify(values)}: ${JSON.stringify(checked.errors)}`);
  return checked.value;
};

const refusal = (values: Record<string, string | string[]>) => {
  const checked = check(query, values);
  if (checked.ok) throw new Error(`accepted ${JSON.stringify(values)}`);
  return checked.errors;
};

test('absent parameters read as undefined and the default page size', () => {
  assert.equal(read({}), { limit: defaultPageSize });
});

test('well-formed values are read as they are', () => {
  assert.equal(read({ status: 'confirmed', customerId: 'c 1', limit: '100', other: 'ignored' }), {
    status: 'confirmed',
    customerId: 'c 1',
    limit: 100,
  });
  assert.is(read({ limit: '1' }).limit, 1);
});

test('every malformed value is reported at once as field errors', () => {
  assert.equal(
    refusal({ status: 'bogus', customerId: '', limit: '0' }).map((e) => e.field),
    ['status', 'customerId', 'limit'],
  );
});

test('limit must be a plain integer from 1 to 100', () => {
  for (const limit of ['0', '101', 'abc', '-1', '2.5', '1e2', ' 5', '0x10', '']) {
    assert.equal(refusal({ limit })[0]?.field, 'limit', limit);
  }
});

test('control characters (PostgreSQL text cannot even hold NUL) and lone surrogates are refused', () => {
  assert.equal(refusal({ customerId: 'c\u0000' }), [
    { field: 'customerId', message: 'must not contain control characters' },
  ]);
  assert.equal(refusal({ customerId: 'c\ud800' }), [
    { field: 'customerId', message: 'must not contain unpaired surrogate characters' },
  ]);
  assert.not.ok(check(object({ id: pathSegment() }), { id: 'o\u0000' }).ok);
});

test('a parameter given twice is refused', () => {
  assert.equal(refusal({ status: ['pending', 'confirmed'] }), [{ field: 'status', message: 'must be given once' }]);
});

test('path parameters are bounded', () => {
  const path = object({ id: pathSegment() });
  assert.equal(check(path, { id: 'o-1' }), { ok: true, value: { id: 'o-1' } });
  assert.equal(check(path, { id: '' }), {
    ok: false,
    errors: [{ field: 'id', message: 'must be 1 to 200 characters' }],
  });
  assert.not.ok(check(path, { id: 'x'.repeat(201) }).ok);
});

test('a long run of digits still reads as a number, checked against the bounds', () => {
  assert.is(read({ limit: '0100' }).limit, 100);
  assert.equal(refusal({ limit: '9'.repeat(21) })[0]?.field, 'limit');
});

test.run();

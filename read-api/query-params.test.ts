import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DomainError } from '../domain/errors.ts';
import { defaultPageSize, pathParam, readQuery } from './query-params.ts';

const statuses = ['pending', 'confirmed'] as const;
const read = (query: Record<string, string | string[]>) =>
  readQuery(query, (params) => ({
    status: params.optionalOneOf('status', statuses),
    customerId: params.optionalString('customerId'),
    limit: params.pageSize(),
  }));

const refusal = (query: Record<string, string | string[]>): DomainError => {
  try {
    read(query);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(query)}`);
};

test('absent parameters read as undefined and the default page size', () => {
  assert.equal(read({}), { status: undefined, customerId: undefined, limit: defaultPageSize });
});

test('well-formed values are read as they are', () => {
  assert.equal(read({ status: 'confirmed', customerId: 'c 1', limit: '100', other: 'ignored' }), {
    status: 'confirmed',
    customerId: 'c 1',
    limit: 100,
  });
  assert.is(read({ limit: '1' }).limit, 1);
});

test('every malformed value is reported at once as a validation error', () => {
  const error = refusal({ status: 'bogus', customerId: '', limit: '0' });
  assert.is(error.code, 'validation');
  assert.equal(
    error.errors?.map((e) => e.field),
    ['status', 'customerId', 'limit'],
  );
});

test('limit must be a plain integer from 1 to 100', () => {
  for (const limit of ['0', '101', 'abc', '-1', '2.5', '1e2', ' 5', '0x10', '']) {
    assert.equal(refusal({ limit }).errors?.[0]?.field, 'limit', limit);
  }
});

test('control characters (PostgreSQL text cannot even hold NUL) are refused', () => {
  assert.equal(refusal({ customerId: 'c\u0000' }).errors, [
    { field: 'customerId', message: 'must not contain control characters' },
  ]);
  assert.throws(
    () => pathParam('o\u0000', 'id'),
    (error: unknown) => error instanceof DomainError,
  );
});

test('a parameter given twice is refused', () => {
  assert.equal(refusal({ status: ['pending', 'confirmed'] }).errors, [
    { field: 'status', message: 'must be given once' },
  ]);
});

test('path parameters are bounded', () => {
  assert.is(pathParam('o-1', 'id'), 'o-1');
  assert.throws(
    () => pathParam('', 'id'),
    (error: unknown) => error instanceof DomainError,
  );
  assert.throws(
    () => pathParam('x'.repeat(201), 'id'),
    (error: unknown) => error instanceof DomainError,
  );
});

test.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isDomainError } from '../../domain/errors.ts';
import { checkFilterValue, checkPageLimit, decodeKeysetCursor, encodeKeysetCursor, pageOf } from './keyset-cursor.ts';
import { sqlIdentifier } from './sql-identifier.ts';

const test = suite('keyset cursor');

const refusedAsValidation = (run: () => unknown) => {
  try {
    run();
    assert.unreachable('accepted');
  } catch (error) {
    assert.ok(isDomainError(error) && error.code === 'validation', String(error));
  }
};

test('a cursor round-trips and is opaque', () => {
  const position = { at: '2024-05-01T10:00:00.123456Z', id: 'order-with-"quotes"' };
  const cursor = encodeKeysetCursor(position);
  assert.ok(/^[A-Za-z0-9_-]+$/.test(cursor));
  assert.equal(decodeKeysetCursor(cursor), position);
});

test('anything else is a validation error', () => {
  for (const cursor of [
    '',
    'not a cursor!',
    Buffer.from('{"a":1}').toString('base64url'),
    encodeKeysetCursor({ at: 'yesterday', id: 'x' }),
  ]) {
    refusedAsValidation(() => decodeKeysetCursor(cursor));
  }
  for (const limit of [0, -1, 1.5, 201, Number.NaN]) refusedAsValidation(() => checkPageLimit(limit));
  assert.is(checkPageLimit(200), 200);
});

test('a filter value must be one of those allowed, and may be absent', () => {
  const allowed = ['pending', 'confirmed'] as const;
  checkFilterValue<(typeof allowed)[number]>(undefined, allowed, 'status', 'unknown order status');
  checkFilterValue('pending', allowed, 'status', 'unknown order status');
  try {
    checkFilterValue('shipped' as never, allowed, 'status', 'unknown order status');
    assert.unreachable('accepted');
  } catch (error) {
    assert.ok(isDomainError(error) && error.code === 'validation', String(error));
    assert.is(error.message, 'unknown order status');
    assert.equal(error.errors, [{ field: 'status', message: 'must be one of pending, confirmed' }]);
  }
});

test('a page holds limit items and a cursor only when more follow', () => {
  const rows = [1, 2, 3].map((n) => ({ n, at: `2024-05-01T10:00:0${n}.000000Z` }));
  const view = (row: { n: number }) => row.n;
  const key = (row: { n: number; at: string }) => ({ at: row.at, id: String(row.n) });
  const first = pageOf(rows, 2, view, key);
  assert.equal(first.items, [1, 2]);
  assert.equal(decodeKeysetCursor(first.nextCursor!), { at: rows[1]!.at, id: '2' });
  assert.equal(pageOf(rows, 3, view, key), { items: [1, 2, 3] });
});

test('table names must be plain identifiers', () => {
  assert.is(sqlIdentifier('read_orders_rebuild'), '"read_orders_rebuild"');
  for (const name of ['read-orders', 'x; DROP TABLE y', 'Read', '']) {
    assert.throws(() => sqlIdentifier(name));
  }
});

test.run();

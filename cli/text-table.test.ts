import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatCount, orDash, renderTable } from './text-table.ts';

const test = suite('renderTable');

test('aligned columns, numbers to the right, long cells cut, no trailing spaces', () => {
  const table = renderTable(
    [{ header: 'NAME' }, { header: 'LAG', right: true }, { header: 'REASON', max: 8 }],
    [
      ['orders', '0', 'fine'],
      ['inventory', '1,234', 'a very long\nreason'],
    ],
  );
  assert.equal(table.split('\n'), ['NAME         LAG  REASON', 'orders         0  fine', 'inventory  1,234  a very …']);
});

test('counts and missing values', () => {
  assert.is(formatCount(1234567), '1,234,567');
  assert.is(orDash(undefined), '-');
  assert.is(orDash(''), '-');
  assert.is(orDash(0), '0');
});

test.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { canonicalJson, checksumOf, compareModels, isoInstant } from './model-checksum.ts';

const test = suite('model checksum');

test('canonical JSON sorts keys at every level and drops undefined fields', () => {
  assert.is(
    canonicalJson({ b: 1, a: [{ d: 2, c: undefined, b: null }], c: 'x' }),
    '{"a":[{"b":null,"d":2}],"b":1,"c":"x"}',
  );
  assert.is(isoInstant('2024-05-01T12:00:00+02:00'), '2024-05-01T10:00:00.000Z');
});

test('the checksum ignores row order; the comparison names missing, extra and different rows', () => {
  assert.equal(
    checksumOf(
      new Map([
        ['b', '1'],
        ['a', '2'],
      ]),
    ),
    checksumOf(
      new Map([
        ['a', '2'],
        ['b', '1'],
      ]),
    ),
  );
  assert.is.not(checksumOf(new Map([['a', '2']])).checksum, checksumOf(new Map([['a', '3']])).checksum);
  const expected = new Map([
    ['o1', '{"status":"confirmed"}'],
    ['o2', '{"status":"pending"}'],
    ['o3', '{"status":"pending"}'],
  ]);
  assert.ok(compareModels(new Map(expected), expected).matches);
  const actual = new Map([
    ['o1', '{"status":"pending"}'],
    ['o3', '{"status":"pending"}'],
    ['o9', '{"status":"pending"}'],
  ]);
  const comparison = compareModels(actual, expected);
  assert.not.ok(comparison.matches);
  assert.is(comparison.differing, 3);
  assert.equal(comparison.examples, [
    { id: 'o1', actual: '{"status":"pending"}', expected: '{"status":"confirmed"}' },
    { id: 'o2', expected: '{"status":"pending"}' },
    { id: 'o9', actual: '{"status":"pending"}' },
  ]);
  assert.is(comparison.actual.rows, 3);
});

test.run();

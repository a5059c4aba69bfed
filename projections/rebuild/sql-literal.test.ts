import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { literalOf, NoLiteral } from './sql-literal.ts';

const test = suite('literalOf');
const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

test('values become literals', () => {
  assert.equal(
    [5, -3, 12n, true, null, undefined, "it's", '{"a":1}', new Date('2024-05-01T10:00:00Z')].map((value) =>
      literalOf(value, quote),
    ),
    ['5', '(-3)', '12', 'TRUE', 'NULL', 'NULL', "'it''s'", `'{"a":1}'`, "'2024-05-01T10:00:00.000Z'"],
  );
});

test('values without a literal form are refused', () => {
  for (const value of [{}, [1], Number.NaN, Number.POSITIVE_INFINITY, Symbol('s')]) {
    assert.throws(
      () => literalOf(value, quote),
      (error: unknown) => error instanceof NoLiteral,
    );
  }
});

test.run();

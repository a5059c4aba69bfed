import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { integer, list, object, optionalText, text } from './fields.ts';
import { check } from './validation.ts';

const order = object({
  customerId: text(),
  note: optionalText(5),
  items: list(object({ sku: text(), quantity: integer(1, 999) }), 0, 50, 'must list up to 50 lines'),
});

const fieldErrorsOf = (body: unknown) => {
  const checked = check(order, body);
  if (checked.ok) throw new Error('expected field errors');
  return checked.errors;
};

const fields = suite('request fields');

fields('returns the typed values of a well-formed body, unknown fields dropped', () => {
  assert.equal(check(order, { customerId: 'c1', items: [{ sku: 's1', quantity: 2 }], extra: 1 }), {
    ok: true,
    value: { customerId: 'c1', items: [{ sku: 's1', quantity: 2 }] },
  });
  assert.equal(check(order, { customerId: 'c1', note: null, items: [] }), {
    ok: true,
    value: { customerId: 'c1', note: null, items: [] },
  });
});

fields('reports every problem at once, one per field, with nested field names', () => {
  assert.equal(
    fieldErrorsOf({ customerId: 'x'.repeat(65), note: 'too long', items: [{ sku: 3, quantity: 1.5 }, 'no'] }),
    [
      { field: 'customerId', message: 'must be at most 64 characters' },
      { field: 'note', message: 'must be at most 5 characters' },
      { field: 'items[0].sku', message: 'must be a non-empty string' },
      { field: 'items[0].quantity', message: 'must be an integer' },
      { field: 'items[1]', message: 'must be an object' },
    ],
  );
});

fields('an empty object names the required fields; blank text and non-arrays are refused', () => {
  assert.equal(fieldErrorsOf({}), [
    { field: 'customerId', message: 'is required' },
    { field: 'items', message: 'must be an array' },
  ]);
  assert.equal(fieldErrorsOf({ customerId: '  ', items: {} }), [
    { field: 'customerId', message: 'must be a non-empty string' },
    { field: 'items', message: 'must be an array' },
  ]);
  assert.equal(fieldErrorsOf({ customerId: null, items: [{ quantity: 0 }] }), [
    { field: 'customerId', message: 'is required' },
    { field: 'items[0].sku', message: 'is required' },
    { field: 'items[0].quantity', message: 'must be 1 to 999' },
  ]);
});

fields('text refuses NUL, other control characters and lone surrogates, naming the field', () => {
  for (const bad of ['a\u0000b', 'line\nbreak', '\u007f', 'tab\t']) {
    assert.equal(fieldErrorsOf({ customerId: bad, items: [] }), [
      { field: 'customerId', message: 'must not contain control characters' },
    ]);
  }
  for (const bad of ['\ud800', 'a\udc00b', '\udbff\ud800']) {
    assert.equal(fieldErrorsOf({ customerId: bad, items: [] }), [
      { field: 'customerId', message: 'must not contain unpaired surrogate characters' },
    ]);
  }
  assert.ok(check(order, { customerId: 'emoji \ud83d\ude00 ok', items: [] }).ok);
  const multiline = object({ reason: optionalText(50, { multiline: true }) });
  assert.ok(check(multiline, { reason: 'two\nlines\tand a tab' }).ok);
  assert.not.ok(check(multiline, { reason: 'nul\u0000' }).ok);
});

fields('integers: fractions, strings and unsafe values are refused, bounds named', () => {
  const amount = object({ amount: integer(1, 10) });
  for (const bad of [1.5, '3', Number.MAX_SAFE_INTEGER + 2, Number.NaN, true]) {
    assert.equal(check(amount, { amount: bad }), {
      ok: false,
      errors: [{ field: 'amount', message: 'must be an integer' }],
    });
  }
  assert.equal(check(amount, { amount: 11 }), { ok: false, errors: [{ field: 'amount', message: 'must be 1 to 10' }] });
});

fields.run();

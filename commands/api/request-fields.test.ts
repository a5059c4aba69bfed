import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isDomainError } from '../../domain/errors.ts';
import { type Fields, readFields } from './request-fields.ts';

const readOrder = (body: unknown) =>
  readFields(body, (fields: Fields) => ({
    customerId: fields.string('customerId'),
    note: fields.optionalString('note', 5),
    items: fields.list('items', (item) => ({ sku: item.string('sku'), quantity: item.integer('quantity') })),
  }));

const fieldErrorsOf = (body: unknown) => {
  try {
    readOrder(body);
  } catch (error) {
    if (isDomainError(error) && error.code === 'validation') return error.errors;
    throw error;
  }
  throw new Error('expected a validation error');
};

const fields = suite('readFields');

fields('returns the typed values of a well-formed body', () => {
  assert.equal(readOrder({ customerId: 'c1', items: [{ sku: 's1', quantity: 2 }], extra: 1 }), {
    customerId: 'c1',
    note: undefined,
    items: [{ sku: 's1', quantity: 2 }],
  });
});

fields('reports every problem at once, with nested field names', () => {
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

fields('an absent body names the required fields; a non-object body is refused as a whole', () => {
  assert.equal(fieldErrorsOf(undefined), [
    { field: 'customerId', message: 'is required' },
    { field: 'items', message: 'must be an array' },
  ]);
  assert.equal(fieldErrorsOf([1, 2]), [{ field: 'body', message: 'must be a JSON object' }]);
  assert.equal(fieldErrorsOf({ customerId: '  ', items: {} }), [
    { field: 'customerId', message: 'must be a non-empty string' },
    { field: 'items', message: 'must be an array' },
  ]);
});

fields.run();

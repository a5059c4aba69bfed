import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { z } from 'zod';
import { maxOrderTotal, maxStockLevel, maxUnitPrice } from '../../domain/limits.ts';
import { check } from '../../platform/http/validation.ts';
import { createCouponBody } from './coupons-routes.ts';
import { grantPointsBody } from './customers-routes.ts';
import { registerSkuBody, restockBody } from './inventory-routes.ts';
import { placeOrderBody } from './orders-routes.ts';

/**
 * The command API's request schemas: every field check of a command happens here, once, before
 * anything is read or written (the deciders keep the rules that need state). Each case names the
 * fields refused, as the 400 answer does.
 */
const refusedFields = (schema: z.ZodType, body: unknown): string[] => {
  const checked = check(schema, body);
  return checked.ok ? [] : checked.errors.map((error) => error.field);
};

const inventory = suite('POST /inventory and restock bodies');

inventory('reports malformed fields of a SKU', () => {
  assert.equal(refusedFields(registerSkuBody, { sku: 'bad sku!', name: ' ', unitPrice: -1, initialStock: 0.5 }), [
    'sku',
    'name',
    'unitPrice',
    'initialStock',
  ]);
  assert.equal(refusedFields(registerSkuBody, { sku: 'x'.repeat(65), name: 'n', unitPrice: 0, initialStock: 0 }), [
    'sku',
  ]);
  assert.equal(refusedFields(registerSkuBody, { sku: 'mug', name: 'Mug', unitPrice: 0, initialStock: 0 }), []);
});

inventory('bounds a price and a stock level by what the event schemas carry', () => {
  const sku = { sku: 'mug', name: 'Mug', unitPrice: maxUnitPrice, initialStock: maxStockLevel };
  assert.equal(refusedFields(registerSkuBody, sku), []);
  assert.equal(refusedFields(registerSkuBody, { ...sku, unitPrice: maxUnitPrice + 1 }), ['unitPrice']);
  assert.equal(refusedFields(registerSkuBody, { ...sku, unitPrice: Number.MAX_SAFE_INTEGER }), ['unitPrice']);
  assert.equal(refusedFields(registerSkuBody, { ...sku, initialStock: maxStockLevel + 1 }), ['initialStock']);
});

inventory('refuses a restock quantity out of range', () => {
  assert.equal(refusedFields(restockBody, { quantity: 0 }), ['quantity']);
  assert.equal(refusedFields(restockBody, { quantity: 1_000_001 }), ['quantity']);
  assert.equal(refusedFields(restockBody, { quantity: 1_000_000 }), []);
});

const coupons = suite('POST /coupons body');

coupons('refuses a malformed code or amount', () => {
  assert.equal(refusedFields(createCouponBody, { code: 'no spaces', amount: 0 }), ['code', 'amount']);
  assert.equal(refusedFields(createCouponBody, { code: 'SAVE10', amount: maxOrderTotal + 1 }), ['amount']);
  assert.equal(refusedFields(createCouponBody, { code: 'SAVE10', amount: maxOrderTotal }), []);
});

const points = suite('POST /customers/:id/points body');

points('refuses an amount out of range', () => {
  assert.equal(refusedFields(grantPointsBody, { amount: 0 }), ['amount']);
  assert.equal(refusedFields(grantPointsBody, { amount: 10_000_001 }), ['amount']);
  assert.equal(refusedFields(grantPointsBody, { amount: 10_000_000 }), []);
});

const orders = suite('POST /orders body');

const card = (amount: number) => ({ method: 'card', amount, token: 'tok_ok' });
const order = (overrides: Record<string, unknown> = {}) => ({
  customerId: 'c1',
  items: [
    { sku: 'sku-a', quantity: 2 },
    { sku: 'sku-b', quantity: 1 },
  ],
  payment: [card(5000)],
  ...overrides,
});

orders('accepts a well-formed order', () => {
  assert.equal(refusedFields(placeOrderBody, order()), []);
});

orders('reports every malformed line with its field; a SKU appears on one line only', () => {
  const lines = [
    { sku: 'sku-a', quantity: 1 },
    { sku: 'sku-b', quantity: 0 },
    { sku: 'sku-c', quantity: 1000 },
  ];
  assert.equal(refusedFields(placeOrderBody, order({ items: lines })), ['items[1].quantity', 'items[2].quantity']);
  const twice = [
    { sku: 'sku-a', quantity: 1 },
    { sku: 'sku-a', quantity: 2 },
  ];
  assert.equal(refusedFields(placeOrderBody, order({ items: twice })), ['items[1].sku']);
});

orders('refuses an order without lines or with more than 50', () => {
  assert.equal(refusedFields(placeOrderBody, order({ items: [] })), ['items']);
  const lines = Array.from({ length: 51 }, (_, index) => ({ sku: `sku-${index}`, quantity: 1 }));
  assert.equal(refusedFields(placeOrderBody, order({ items: lines })), ['items']);
});

orders('refuses a fractional quantity', () => {
  assert.equal(refusedFields(placeOrderBody, order({ items: [{ sku: 'sku-a', quantity: 1.5 }] })), [
    'items[0].quantity',
  ]);
});

orders('reports malformed payment parts with their field', () => {
  assert.equal(refusedFields(placeOrderBody, order({ payment: [{ method: 'card', amount: 5000 }] })), [
    'payment[0].token',
  ]);
  assert.equal(refusedFields(placeOrderBody, order({ payment: [card(1), { method: 'coupon', amount: 1 }] })), [
    'payment[1].couponCode',
  ]);
  assert.equal(refusedFields(placeOrderBody, order({ payment: [{ method: 'cash', amount: 0 }] })), [
    'payment[0].method',
    'payment[0].amount',
  ]);
  assert.equal(refusedFields(placeOrderBody, order({ payment: [] })), ['payment']);
  assert.equal(refusedFields(placeOrderBody, order({ payment: [card(maxOrderTotal + 1)] })), ['payment[0].amount']);
});

orders('at most one part per method: a request cannot make the API fold hundreds of coupons', () => {
  const coupons = Array.from({ length: 5 }, (_, index) => ({ method: 'coupon', amount: 1, couponCode: `C${index}` }));
  assert.equal(refusedFields(placeOrderBody, order({ payment: [card(4995), ...coupons] })), ['payment']);
});

for (const test of [inventory, coupons, points, orders]) test.run();

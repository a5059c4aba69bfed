import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { FoldEvent } from '../rebuild/independent-fold.ts';
import { storeDifferences } from './audit-checks.ts';
import { type AuditFacts, auditFacts } from './audit-facts.ts';

const test = suite('ops verify rules');

const at = '2026-12-03T08:00:00.000Z';
const versions = new Map<string, number>();
const event = (streamId: string, type: string, data: Record<string, unknown>): FoldEvent => {
  const version = versions.get(streamId) ?? 0;
  versions.set(streamId, version + 1);
  return { type, streamId, version, recordedAt: at, data };
};

const sagaEvents = (orderId: string, end: 'SagaCompleted' | 'SagaCompensated' | 'SagaStuck' | undefined) => [
  event(`saga-${orderId}`, 'SagaStarted', { orderId, customerId: 'c1', lines: [], total: 0, payment: [], at }),
  ...(end
    ? [event(`saga-${orderId}`, end, { orderId, at, stepId: 's', step: 'authorize', lastError: 'gateway' })]
    : []),
];

/** A card+points+coupon order of 1,000 on SKU `mug` that went through, with everything its saga did. */
const confirmedOrder = (orderId: string, customerId = 'c1') => [
  event(`order-${orderId}`, 'OrderPlaced', {
    orderId,
    customerId,
    lines: [],
    total: 1_000,
    currency: 'EUR',
    payment: [],
    placedAt: at,
  }),
  event('inventory-mug', 'StockReserved', { sku: 'mug', orderId, quantity: 2, onHand: 10, available: 8 }),
  event(`points-${customerId}`, 'PointsSpent', { customerId, orderId, amount: 100, balance: 400 }),
  event('coupon-SAVE', 'CouponRedeemed', { code: 'SAVE', orderId, amount: 200 }),
  event(`payment-${orderId}`, 'PaymentCaptured', { orderId, authorizationId: 'a', amount: 700, capturedAt: at }),
  event('inventory-mug', 'ReservationCommitted', { sku: 'mug', orderId, quantity: 2, onHand: 8, available: 8 }),
  event(`order-${orderId}`, 'OrderConfirmed', { orderId, confirmedAt: at }),
  ...sagaEvents(orderId, 'SagaCompleted'),
];

const baseline = () => [
  event('inventory-mug', 'SkuRegistered', {
    sku: 'mug',
    name: 'Mug',
    unitPrice: 500,
    initialStock: 10,
    onHand: 10,
    available: 10,
  }),
  event('points-c1', 'PointsGranted', { customerId: 'c1', amount: 500, balance: 500 }),
  event('coupon-SAVE', 'CouponCreated', { code: 'SAVE', amount: 200 }),
];

const factsOf = (events: FoldEvent[]): AuditFacts => {
  const facts = auditFacts();
  for (const each of events) facts.apply(each);
  return facts;
};

const reported = (events: FoldEvent[]) =>
  storeDifferences(factsOf(events)).map(
    (difference) => `${difference.check} ${difference.subject}: ${difference.message}`,
  );

test('a system where everything adds up has no difference', () => {
  versions.clear();
  assert.equal(reported([...baseline(), ...confirmedOrder('o1')]), []);
});

test('a cancellation after confirmation that gave everything back has no difference; one that did not is reported', () => {
  versions.clear();
  const cancel = (orderId: string) =>
    event(`order-${orderId}`, 'OrderCancelled', {
      orderId,
      reason: 'customer_request',
      previousStatus: 'confirmed',
      cancelledAt: at,
    });
  const givenBack = [
    cancel('o1'),
    event('payment-o1', 'PaymentRefunded', {
      orderId: 'o1',
      authorizationId: 'a',
      amount: 700,
      reason: 'cancelled',
      refundedAt: at,
    }),
    event('points-c1', 'PointsRefunded', { customerId: 'c1', orderId: 'o1', amount: 100, balance: 500 }),
    event('coupon-SAVE', 'CouponRestored', { code: 'SAVE', orderId: 'o1', amount: 200 }),
    event('inventory-mug', 'StockReturned', { sku: 'mug', orderId: 'o1', quantity: 2, onHand: 10, available: 10 }),
    event('saga-o1', 'SagaCompensated', { orderId: 'o1', at }),
  ];
  assert.equal(reported([...baseline(), ...confirmedOrder('o1'), ...givenBack]), []);
  versions.clear();
  const kept = reported([
    ...baseline(),
    ...confirmedOrder('o1'),
    cancel('o1'),
    event('saga-o1', 'SagaCompensated', { orderId: 'o1', at }),
  ]);
  assert.equal(kept, [
    'payments order-o1: cancelled after confirmation: refunded 0, but captured 700',
    'payments order-o1: cancelled, yet 100 points spent on it were not given back',
    'payments order-o1: cancelled, yet 200 of coupon value redeemed on it was not restored',
  ]);
});

test('orders-settled: a pending order without a saga, or whose saga is stuck or finished', () => {
  versions.clear();
  const placed = (orderId: string) =>
    event(`order-${orderId}`, 'OrderPlaced', {
      orderId,
      customerId: 'c1',
      lines: [],
      total: 1,
      currency: 'EUR',
      payment: [],
      placedAt: at,
    });
  assert.equal(
    reported([
      placed('running'),
      ...sagaEvents('running', undefined),
      placed('orphan'),
      placed('stuck'),
      ...sagaEvents('stuck', 'SagaStuck'),
      placed('done'),
      ...sagaEvents('done', 'SagaCompleted'),
    ]),
    [
      'orders-settled order-orphan: pending, and no saga was ever started for it',
      'orders-settled order-stuck: pending, but its saga is stuck (see `sagas show`)',
      'orders-settled order-done: pending, but its saga is completed',
    ],
  );
});

test('stock: on hand that does not add up, reserved units no reservation holds, a negative level', () => {
  versions.clear();
  assert.equal(
    reported([
      ...baseline(),
      event('inventory-mug', 'StockRestocked', { sku: 'mug', quantity: 5, onHand: 14, available: 14 }),
    ]),
    ['stock inventory-mug: on hand is 14, but registered 10 + restocked 5 - committed 0 + returned 0 = 15'],
  );
  versions.clear();
  assert.equal(
    reported([
      ...baseline(),
      event('inventory-mug', 'StockReserved', { sku: 'mug', orderId: 'o9', quantity: 3, onHand: 10, available: 8 }),
    ]),
    ['stock inventory-mug: reserved is 2 (on hand 10 - available 8), but open reservations hold 3'],
  );
  versions.clear();
  assert.equal(
    reported([
      ...baseline(),
      event('inventory-mug', 'StockReleased', { sku: 'mug', orderId: 'o9', quantity: 1, onHand: 10, available: 11 }),
      event('inventory-mug', 'StockReserved', { sku: 'mug', orderId: 'o8', quantity: 12, onHand: 10, available: -1 }),
    ]),
    [
      'stock inventory-mug: order o9 released or committed 1 more units than it reserved',
      'stock inventory-mug: a level went negative at inventory-mug@2',
    ],
  );
});

test('payments: a confirmed order paid more or less than its total; a cancelled one charged', () => {
  versions.clear();
  const overpaid = [
    ...baseline(),
    ...confirmedOrder('o1'),
    event('payment-o1', 'PaymentCaptured', { orderId: 'o1', authorizationId: 'a', amount: 700, capturedAt: at }),
  ];
  assert.equal(reported(overpaid), [
    'payments order-o1: confirmed with total 1000, but captured 1400 - refunded 0 + points 100 + coupon 200 = 1700',
  ]);
  versions.clear();
  const charged = [
    event('order-o2', 'OrderPlaced', {
      orderId: 'o2',
      customerId: 'c2',
      lines: [],
      total: 50,
      currency: 'EUR',
      payment: [],
      placedAt: at,
    }),
    event('payment-o2', 'PaymentCaptured', { orderId: 'o2', authorizationId: 'b', amount: 50, capturedAt: at }),
    event('order-o2', 'OrderCancelled', {
      orderId: 'o2',
      reason: 'payment_declined',
      previousStatus: 'pending',
      cancelledAt: at,
    }),
    ...sagaEvents('o2', 'SagaCompensated'),
  ];
  assert.equal(reported(charged), [
    'payments order-o2: cancelled before confirmation, yet 50 captured and not refunded',
  ]);
});

test('points: a balance that is not granted - spent + refunded, or is negative', () => {
  versions.clear();
  assert.equal(
    reported([
      event('points-c3', 'PointsGranted', { customerId: 'c3', amount: 100, balance: 100 }),
      event('points-c3', 'PointsSpent', { customerId: 'c3', orderId: 'x', amount: 150, balance: -50 }),
    ]).filter((line) => line.startsWith('points')),
    ['points points-c3: balance is -50'],
  );
  versions.clear();
  assert.equal(reported([event('points-c4', 'PointsGranted', { customerId: 'c4', amount: 100, balance: 120 })]), [
    'points points-c4: balance is 120, but granted 100 - spent 0 + refunded 0 = 100',
  ]);
});

test('coupons: redeemed beyond its worth, or restored more than redeemed', () => {
  versions.clear();
  assert.equal(
    reported([
      event('coupon-BIG', 'CouponCreated', { code: 'BIG', amount: 100 }),
      event('coupon-BIG', 'CouponRedeemed', { code: 'BIG', orderId: 'x', amount: 100 }),
      event('coupon-BIG', 'CouponRedeemed', { code: 'BIG', orderId: 'y', amount: 100 }),
      event('coupon-NEG', 'CouponCreated', { code: 'NEG', amount: 100 }),
      event('coupon-NEG', 'CouponRestored', { code: 'NEG', orderId: 'x', amount: 100 }),
    ]),
    [
      'coupons coupon-BIG: worth 100: redeemed 200 - restored 0 = 200',
      'coupons coupon-NEG: worth 100: redeemed 0 - restored 100 = -100',
    ],
  );
});

test.run();

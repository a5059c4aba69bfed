import * as assert from 'uvu/assert';
import { readModelSuite } from '../projector/testing/read-model-suite.ts';
import { recordedEvent } from '../projector/testing/recorded-events.ts';
import { getPayment, paymentVersion } from './payment-queries.ts';
import { paymentsProjection } from './payments-projection.ts';

const { test, apply } = readModelSuite('payments read model', 'payments', paymentsProjection());

const stream = 'payment-o1';
const history = [
  recordedEvent(stream, 0, 'PaymentRequested', {
    orderId: 'o1',
    customerId: 'c1',
    parts: [
      { method: 'card', amount: 9000, token: 'tok_ok' },
      { method: 'points', amount: 1000 },
    ],
    total: 10000,
    requestedAt: '2024-05-01T10:00:00.000Z',
  }),
  recordedEvent(stream, 1, 'PaymentAuthorized', {
    orderId: 'o1',
    authorizationId: 'auth_o1',
    authorizedAt: '2024-05-01T10:00:01.000Z',
  }),
  recordedEvent(stream, 2, 'PaymentCaptured', {
    orderId: 'o1',
    authorizationId: 'auth_o1',
    amount: 9000,
    capturedAt: '2024-05-01T10:00:02.000Z',
  }),
  recordedEvent(stream, 3, 'PaymentRefunded', {
    orderId: 'o1',
    authorizationId: 'auth_o1',
    amount: 9000,
    reason: 'customer_request',
    refundedAt: '2024-05-01T12:00:00.000Z',
  }),
];

test('a payment moves through its lifecycle; tokens are not kept', async ({ db }) => {
  await apply(db, history.slice(0, 3));
  assert.equal(await getPayment(db.pool, 'o1'), {
    orderId: 'o1',
    customerId: 'c1',
    status: 'captured',
    parts: [
      { method: 'card', amount: 9000 },
      { method: 'points', amount: 1000 },
    ],
    total: 10000,
    authorizationId: 'auth_o1',
    capturedAmount: 9000,
    refundedAmount: 0,
    requestedAt: '2024-05-01T10:00:00.000Z',
    updatedAt: '2024-05-01T10:00:02.000Z',
    version: 2,
  });
  await apply(db, [history[3]!]);
  const refunded = await getPayment(db.pool, 'o1');
  assert.is(refunded?.status, 'refunded');
  assert.is(refunded?.refundedAmount, 9000);
  assert.is(refunded?.reason, 'customer_request');
  assert.is(await paymentVersion(db.pool, 'o1'), 3);
});

test('older and equal versions are ignored', async ({ db }) => {
  await apply(db, history);
  const settled = await getPayment(db.pool, 'o1');
  await apply(db, [...history].reverse());
  await apply(db, history);
  assert.equal(await getPayment(db.pool, 'o1'), settled);
});

test('a void keeps the authorization id it had when the event names none', async ({ db }) => {
  await apply(db, [
    ...history.slice(0, 2),
    recordedEvent(stream, 2, 'PaymentVoided', {
      orderId: 'o1',
      reason: 'out_of_stock',
      voidedAt: '2024-05-01T10:00:03.000Z',
    }),
  ]);
  const voided = await getPayment(db.pool, 'o1');
  assert.is(voided?.status, 'voided');
  assert.is(voided?.authorizationId, 'auth_o1');
  assert.is(voided?.reason, 'out_of_stock');
});

test.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { PaymentState, RequestedPayment } from '../payment/state.ts';
import type { PaymentPart } from '../payment-plan/payment-part.ts';
import {
  type AuthorizationProgress,
  concludeAuthorization,
  giveBackCommands,
  nextAuthorizationAction,
  type PaymentHolder,
} from './payment.ts';

const card: PaymentPart = { method: 'card', amount: 3000, token: 'tok_ok' };
const points: PaymentPart = { method: 'points', amount: 500 };
const coupon: PaymentPart = { method: 'coupon', amount: 400, couponCode: 'WELCOME' };
const holder = (...parts: PaymentPart[]): PaymentHolder => ({ orderId: 'o1', customerId: 'c1', parts });

/** Given the parts and what the step heard back, then this is what it does next. */
const given = (payment: PaymentHolder) => ({
  when: (progress: AuthorizationProgress) => ({
    // biome-ignore lint/suspicious/noThenProperty: given/when/then reads like the domain; never awaited.
    then: (expected: ReturnType<typeof nextAuthorizationAction>) =>
      assert.equal(nextAuthorizationAction(payment, progress), expected),
  }),
});

const next = suite('the next authorization action');

next('points are spent first, then the coupon is redeemed, then the gateway is asked', () => {
  const all = holder(card, points, coupon);
  given(all)
    .when({})
    .then({ type: 'SpendPoints', data: { customerId: 'c1', orderId: 'o1', amount: 500 } });
  given(all)
    .when({ points: 'spent' })
    .then({ type: 'RedeemCoupon', data: { code: 'WELCOME', orderId: 'o1', amount: 400 } });
  given(all)
    .when({ points: 'spent', coupon: 'redeemed' })
    .then({ type: 'AskGateway', request: { orderId: 'o1', method: 'card', amount: 3000, token: 'tok_ok' } });
});

next("the gateway's answer is recorded as it came", () => {
  given(holder(card))
    .when({ gateway: { outcome: 'approved', authorizationId: 'auth-1' } })
    .then({ type: 'RecordAuthorization', data: { orderId: 'o1', authorizationId: 'auth-1' } });
  given(holder(card))
    .when({ gateway: { outcome: 'declined', reason: 'insufficient_funds' } })
    .then({ type: 'RecordDecline', data: { orderId: 'o1', reason: 'insufficient_funds' } });
});

next('points or a coupon refused decline the payment with the refusal as the reason', () => {
  given(holder(card, points, coupon))
    .when({ points: { code: 'rule_broken', rule: 'insufficient_points' } })
    .then({ type: 'RecordDecline', data: { orderId: 'o1', reason: 'insufficient_points' } });
  given(holder(card, coupon))
    .when({ coupon: { code: 'rule_broken', rule: 'coupon_already_redeemed' } })
    .then({ type: 'RecordDecline', data: { orderId: 'o1', reason: 'coupon_already_redeemed' } });
  given(holder(card, points))
    .when({ points: { code: 'validation' } })
    .then({ type: 'RecordDecline', data: { orderId: 'o1', reason: 'validation' } });
});

next('a coupon that does not exist is `coupon_unknown`, as the payment-plan rules call it', () => {
  given(holder(card, coupon))
    .when({ coupon: { code: 'not_found' } })
    .then({ type: 'RecordDecline', data: { orderId: 'o1', reason: 'coupon_unknown' } });
});

next('points and a coupon paying the whole order are authorized without the gateway', () => {
  given(holder(points, coupon))
    .when({ points: 'spent', coupon: 'redeemed' })
    .then({ type: 'RecordAuthorization', data: { orderId: 'o1', authorizationId: 'internal-o1' } });
});

const conclusion = suite('what the recorded payment means for the step');
const requested: RequestedPayment = {
  orderId: 'o1',
  customerId: 'c1',
  parts: [card, points],
  total: 3500,
  requestedAt: '2025-01-01T10:00:00.000Z',
};
const state = (status: PaymentState): PaymentState => status;

conclusion('an authorized, captured or refunded payment answers with its authorization', () => {
  for (const status of ['Authorized', 'Captured', 'Refunded'] as const) {
    assert.equal(concludeAuthorization(state({ status, payment: requested, authorizationId: 'auth-1' })), {
      outcome: 'authorized',
      authorizationId: 'auth-1',
    });
  }
});

conclusion('a declined or voided payment gives back what it spent', () => {
  assert.equal(concludeAuthorization({ status: 'Declined', payment: requested, reason: 'declined' }), {
    outcome: 'declined',
    reason: 'declined',
    giveBack: requested,
  });
  assert.equal(concludeAuthorization({ status: 'Voided', payment: requested, reason: 'payment_timeout' }), {
    outcome: 'voided',
    giveBack: requested,
  });
});

conclusion('a payment still open is no answer', () => {
  assert.equal(concludeAuthorization({ status: 'Requested', payment: requested }), {
    outcome: 'unanswered',
    status: 'Requested',
  });
  assert.equal(concludeAuthorization({ status: 'Empty' }), { outcome: 'unanswered', status: 'Empty' });
});

const giveBack = suite('what is given back');

giveBack('the points and the coupon of the parts, nothing for a card alone', () => {
  assert.equal(giveBackCommands(holder(card, points, coupon)), [
    { type: 'RefundPoints', data: { customerId: 'c1', orderId: 'o1' } },
    { type: 'RestoreCoupon', data: { code: 'WELCOME', orderId: 'o1' } },
  ]);
  assert.equal(giveBackCommands(holder(card)), []);
});

next.run();
conclusion.run();
giveBack.run();

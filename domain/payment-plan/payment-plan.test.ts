import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isDomainError } from '../errors.ts';
import { assertPaymentPlanCovered, type PaymentAccounts } from './payment-accounts.ts';
import { gatewayPartOf, type PaymentPart } from './payment-part.ts';
import { paymentPlanFieldErrors } from './payment-plan-fields.ts';
import { assertPaymentPlanRules } from './payment-plan-rules.ts';

const card = (amount: number): PaymentPart => ({ method: 'card', amount, token: 'tok_ok' });
const bnpl = (amount: number): PaymentPart => ({ method: 'bnpl', amount, token: 'tok_ok' });
const points = (amount: number): PaymentPart => ({ method: 'points', amount });
const coupon = (amount: number, couponCode = 'C1'): PaymentPart => ({ method: 'coupon', amount, couponCode });

const brokenRule = (check: () => void): string | undefined => {
  try {
    check();
    return undefined;
  } catch (error) {
    if (!isDomainError(error) || error.code !== 'business_rule') throw error;
    return error.rule;
  }
};

const fields = suite('payment plan fields');

fields('a well-formed plan has no field errors', () => {
  assert.equal(paymentPlanFieldErrors([card(100), points(50), coupon(10)], 'payment'), []);
});

fields('names every malformed field', () => {
  const errors = paymentPlanFieldErrors(
    [
      { method: 'cash', amount: 10 },
      { method: 'card', amount: 0 },
      { method: 'bnpl', amount: 1.5, token: '' },
      { method: 'coupon', amount: 10 },
      'card',
    ],
    'parts',
  );
  assert.equal(
    errors.map((error) => error.field),
    [
      'parts[0].method',
      'parts[1].amount',
      'parts[1].token',
      'parts[2].amount',
      'parts[2].token',
      'parts[3].couponCode',
      'parts[4]',
    ],
  );
});

fields('requires at least one part', () => {
  assert.equal(paymentPlanFieldErrors([], 'payment'), [
    { field: 'payment', message: 'must list at least one payment part' },
  ]);
  assert.equal(paymentPlanFieldErrors(undefined, 'payment').length, 1);
});

const rules = suite('payment plan rules');

rules('accepts single and combined plans that follow the rules', () => {
  for (const [parts, total] of [
    [[card(500)], 500],
    [[points(500)], 500],
    [[bnpl(10_000)], 10_000],
    [[card(300), points(100), coupon(100)], 500],
    [[coupon(100), card(400)], 500],
  ] as const) {
    assert.is(
      brokenRule(() => assertPaymentPlanRules(parts, total)),
      undefined,
      JSON.stringify(parts),
    );
  }
});

rules('names the broken rule', () => {
  const cases: [PaymentPart[], number, string][] = [
    [[card(499)], 500, 'payment_total_mismatch'],
    [[card(300), points(300)], 500, 'payment_total_mismatch'],
    [[coupon(500)], 500, 'coupon_cannot_pay_alone'],
    [[coupon(250), coupon(250, 'C2')], 500, 'coupon_cannot_pay_alone'],
    [[bnpl(9_000), card(2_000)], 11_000, 'bnpl_not_combinable'],
    [[bnpl(5_000), bnpl(5_000)], 10_000, 'bnpl_not_combinable'],
    [[bnpl(9_999)], 9_999, 'bnpl_minimum_total'],
    [[card(200), card(300)], 500, 'duplicate_payment_method'],
    [[card(200), points(100), points(200)], 500, 'duplicate_payment_method'],
    [[points(400), coupon(100)], 500, 'combined_payment_requires_card'],
  ];
  for (const [parts, total, rule] of cases) {
    assert.is(
      brokenRule(() => assertPaymentPlanRules(parts, total)),
      rule,
      JSON.stringify(parts),
    );
  }
});

const accounts = suite('payment plan against points and coupons');
const snapshot: PaymentAccounts = {
  pointsBalance: 100,
  coupons: { FREE: { amount: 50 }, USED: { amount: 50, redeemedByOrderId: 'o9' } },
};

accounts('accepts points within the balance and a usable coupon', () => {
  assert.is(
    brokenRule(() => assertPaymentPlanCovered([card(10), points(100), coupon(50, 'FREE')], snapshot, 'o1')),
    undefined,
  );
  assert.is(
    brokenRule(() => assertPaymentPlanCovered([card(10), coupon(50, 'USED')], snapshot, 'o9')),
    undefined,
  );
});

accounts('names the broken rule', () => {
  const cases: [PaymentPart[], string][] = [
    [[card(10), points(101)], 'points_exceed_balance'],
    [[card(10), coupon(10, 'NOPE')], 'coupon_unknown'],
    [[card(10), coupon(10, 'toString')], 'coupon_unknown'],
    [[card(10), coupon(10, 'USED')], 'coupon_already_redeemed'],
    [[card(10), coupon(51, 'FREE')], 'coupon_amount_exceeded'],
  ];
  for (const [parts, rule] of cases) {
    assert.is(
      brokenRule(() => assertPaymentPlanCovered(parts, snapshot, 'o1')),
      rule,
      JSON.stringify(parts),
    );
  }
});

accounts('finds the part the gateway authorizes', () => {
  assert.equal(gatewayPartOf([points(10), card(20)]), card(20));
  assert.is(gatewayPartOf([points(10)]), undefined);
});

fields.run();
rules.run();
accounts.run();

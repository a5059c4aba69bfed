import { suite } from 'uvu';
import { maxPointsBalance } from '../limits.ts';
import { deciderSpec } from '../testing/decider-spec.ts';
import type { PointsEvent } from './events.ts';
import { pointsDecider } from './points-decider.ts';
import { grantPoints, refundPoints, spendPoints } from './points-examples.ts';

const spec = deciderSpec(pointsDecider);

const granted = (amount: number, balance: number): PointsEvent => ({
  type: 'PointsGranted',
  data: { customerId: 'c1', amount, balance },
});
const spent = (orderId: string, amount: number, balance: number): PointsEvent => ({
  type: 'PointsSpent',
  data: { customerId: 'c1', orderId, amount, balance },
});
const refunded = (orderId: string, amount: number, balance: number): PointsEvent => ({
  type: 'PointsRefunded',
  data: { customerId: 'c1', orderId, amount, balance },
});

const grant = suite('GrantPoints');

grant('adds points to the balance', () => {
  spec
    .given([granted(100, 100)])
    .when(grantPoints(50))
    .then([granted(50, 150)]);
});

grant('refuses a grant past the largest balance (422)', () => {
  spec
    .given([granted(maxPointsBalance - 10, maxPointsBalance - 10)])
    .when(grantPoints(11))
    .thenThrows('points_balance_limit');
  spec
    .given([granted(maxPointsBalance - 10, maxPointsBalance - 10)])
    .when(grantPoints(10))
    .then([granted(10, maxPointsBalance)]);
});

const spend = suite('SpendPoints');

spend('spends points within the balance, all of them if asked', () => {
  spec
    .given([granted(100, 100)])
    .when(spendPoints('o1', 100))
    .then([spent('o1', 100, 0)]);
});

spend('refuses more than the balance (422)', () => {
  spec
    .given([granted(100, 100)])
    .when(spendPoints('o1', 101))
    .thenThrows('points_exceed_balance');
  spec.given([]).when(spendPoints('o1', 1)).thenThrows('points_exceed_balance');
});

spend('an order spends once: a repeat changes nothing, even after a refund', () => {
  spec
    .given([granted(100, 100), spent('o1', 60, 40)])
    .when(spendPoints('o1', 60))
    .then([]);
  spec
    .given([granted(100, 100), spent('o1', 60, 40), refunded('o1', 60, 100)])
    .when(spendPoints('o1', 60))
    .then([]);
});

const refund = suite('RefundPoints');

refund('gives back what the order spent', () => {
  spec
    .given([granted(100, 100), spent('o1', 60, 40)])
    .when(refundPoints('o1'))
    .then([refunded('o1', 60, 100)]);
});

refund('changes nothing when the order spent nothing or was refunded', () => {
  spec
    .given([granted(100, 100)])
    .when(refundPoints('o1'))
    .then([]);
  spec
    .given([granted(100, 100), spent('o1', 60, 40), refunded('o1', 60, 100)])
    .when(refundPoints('o1'))
    .then([]);
});

grant.run();
spend.run();
refund.run();

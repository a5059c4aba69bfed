import { assertNever } from '../decider.ts';
import { ruleBroken } from '../errors.ts';
import { maxPointsBalance } from '../limits.ts';
import { FieldErrors, isNonEmptyString, isPositiveInteger } from '../validation.ts';
import type { GrantPoints, PointsCommand, RefundPoints, SpendPoints } from './commands.ts';
import type { PointsEvent } from './events.ts';
import type { PointsState } from './state.ts';

// The fields of GrantPoints are checked by the command API's request schema; the balance's bound is a rule.
const grantPoints = ({ data }: GrantPoints, state: PointsState): PointsEvent[] => {
  const { customerId, amount } = data;
  if (state.balance + amount > maxPointsBalance) {
    throw ruleBroken('points_balance_limit', `a points balance can hold at most ${maxPointsBalance} points`);
  }
  return [{ type: 'PointsGranted', data: { customerId, amount, balance: state.balance + amount } }];
};

const spendPoints = ({ data }: SpendPoints, state: PointsState): PointsEvent[] => {
  new FieldErrors()
    .check(isNonEmptyString(data.customerId), 'customerId', 'is required')
    .check(isNonEmptyString(data.orderId), 'orderId', 'is required')
    .check(isPositiveInteger(data.amount), 'amount', 'must be a positive integer')
    .throwIfAny('the spend is not well formed');
  if (state.spends.has(data.orderId)) return [];
  if (data.amount > state.balance) {
    throw ruleBroken('points_exceed_balance', `spending ${data.amount} points, the balance is ${state.balance}`);
  }
  const { customerId, orderId, amount } = data;
  return [{ type: 'PointsSpent', data: { customerId, orderId, amount, balance: state.balance - amount } }];
};

const refundPoints = ({ data }: RefundPoints, state: PointsState): PointsEvent[] => {
  new FieldErrors()
    .check(isNonEmptyString(data.orderId), 'orderId', 'is required')
    .throwIfAny('the refund is not well formed');
  const spend = state.spends.get(data.orderId);
  if (!spend || spend.refunded) return [];
  return [
    {
      type: 'PointsRefunded',
      data: {
        customerId: data.customerId,
        orderId: data.orderId,
        amount: spend.amount,
        balance: state.balance + spend.amount,
      },
    },
  ];
};

export const decidePoints = (command: PointsCommand, state: PointsState): PointsEvent[] => {
  switch (command.type) {
    case 'GrantPoints':
      return grantPoints(command, state);
    case 'SpendPoints':
      return spendPoints(command, state);
    case 'RefundPoints':
      return refundPoints(command, state);
    default:
      return assertNever(command);
  }
};

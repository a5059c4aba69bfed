import type { AuditFacts } from './audit-facts.ts';

/** The kinds of difference `ops verify` reports, one per rule of docs/operations.md ("ops verify"). */
export type AuditCheck = 'orders-settled' | 'stock' | 'payments' | 'points' | 'coupons' | 'read-model';

export interface Difference {
  check: AuditCheck;
  /** What it is about: `order-<id>`, `inventory-<sku>`, `orders table row <id>`, ... */
  subject: string;
  message: string;
}

const sagaIsRunning = (state: string | undefined) => state === 'running' || state === 'compensating';
const sagaIsFinished = (state: string | undefined) => state === 'completed' || state === 'compensated';

/** Every order is settled (confirmed or cancelled) or has a saga that is still running. */
export const checkOrdersSettled = (facts: AuditFacts): Difference[] => {
  const sagas = facts.sagaStates();
  const differences: Difference[] = [];
  for (const [orderId, order] of facts.orders) {
    if (order.status !== 'pending') continue;
    const state = sagas.get(orderId);
    if (sagaIsRunning(state)) continue;
    differences.push({
      check: 'orders-settled',
      subject: `order-${orderId}`,
      message:
        state === undefined
          ? 'pending, and no saga was ever started for it'
          : `pending, but its saga is ${state}${state === 'stuck' ? ' (see `sagas show`)' : ''}`,
    });
  }
  return differences;
};

/** On hand = registered + restocked - committed + returned; reserved = units of open reservations; nothing negative. */
export const checkStock = (facts: AuditFacts): Difference[] => {
  const differences: Difference[] = [];
  for (const [sku, stock] of facts.stock) {
    const subject = `inventory-${sku}`;
    const onHand = stock.registered + stock.restocked - stock.committed + stock.returned;
    if (onHand !== stock.onHand) {
      differences.push({
        check: 'stock',
        subject,
        message: `on hand is ${stock.onHand}, but registered ${stock.registered} + restocked ${stock.restocked} - committed ${stock.committed} + returned ${stock.returned} = ${onHand}`,
      });
    }
    const held = [...stock.heldByOrder.values()].reduce((sum, units) => sum + units, 0);
    const reserved = stock.onHand - stock.available;
    if (held !== reserved) {
      differences.push({
        check: 'stock',
        subject,
        message: `reserved is ${reserved} (on hand ${stock.onHand} - available ${stock.available}), but open reservations hold ${held}`,
      });
    }
    for (const [orderId, units] of stock.heldByOrder) {
      if (units < 0) {
        differences.push({
          check: 'stock',
          subject,
          message: `order ${orderId} released or committed ${-units} more units than it reserved`,
        });
      }
    }
    if (stock.negative) {
      differences.push({ check: 'stock', subject, message: `a level went negative at ${stock.negative}` });
    }
  }
  return differences;
};

/**
 * Per order whose saga finished: a confirmed order was paid its total (gateway capture + points + coupon); an
 * order cancelled after confirmation got everything back (refund = capture, points and coupon restored);
 * one cancelled before was never charged.
 */
export const checkPayments = (facts: AuditFacts): Difference[] => {
  const sagas = facts.sagaStates();
  const differences: Difference[] = [];
  for (const [orderId, order] of facts.orders) {
    if (order.status === 'pending' || !sagaIsFinished(sagas.get(orderId))) continue;
    const money = facts.payments.get(orderId) ?? { captured: 0, refunded: 0 };
    const points = facts.pointsByOrder.get(orderId) ?? 0;
    const coupon = facts.couponsByOrder.get(orderId) ?? 0;
    const subject = `order-${orderId}`;
    const note = (message: string) => differences.push({ check: 'payments', subject, message });
    if (order.status === 'confirmed') {
      const paid = money.captured - money.refunded + points + coupon;
      if (paid !== order.total) {
        note(
          `confirmed with total ${order.total}, but captured ${money.captured} - refunded ${money.refunded} + points ${points} + coupon ${coupon} = ${paid}`,
        );
      }
      continue;
    }
    if (order.cancelledAfterConfirm && money.refunded !== money.captured) {
      note(`cancelled after confirmation: refunded ${money.refunded}, but captured ${money.captured}`);
    }
    if (!order.cancelledAfterConfirm && money.captured !== money.refunded) {
      note(`cancelled before confirmation, yet ${money.captured - money.refunded} captured and not refunded`);
    }
    if (points !== 0) note(`cancelled, yet ${points} points spent on it were not given back`);
    if (coupon !== 0) note(`cancelled, yet ${coupon} of coupon value redeemed on it was not restored`);
  }
  return differences;
};

/** A customer's stated balance is what was granted minus spent plus given back, and never negative. */
export const checkPoints = (facts: AuditFacts): Difference[] =>
  [...facts.points].flatMap(([customerId, points]) => {
    const expected = points.granted - points.spent + points.refunded;
    const subject = `points-${customerId}`;
    const differences: Difference[] = [];
    if (expected !== points.balance) {
      differences.push({
        check: 'points',
        subject,
        message: `balance is ${points.balance}, but granted ${points.granted} - spent ${points.spent} + refunded ${points.refunded} = ${expected}`,
      });
    }
    if (points.balance < 0) differences.push({ check: 'points', subject, message: `balance is ${points.balance}` });
    return differences;
  });

/** A coupon never gives more than it is worth, and never restores more than was redeemed. */
export const checkCoupons = (facts: AuditFacts): Difference[] =>
  [...facts.coupons].flatMap(([code, coupon]) => {
    const outstanding = coupon.redeemed - coupon.restored;
    if (outstanding >= 0 && outstanding <= coupon.amount) return [];
    return [
      {
        check: 'coupons' as const,
        subject: `coupon-${code}`,
        message: `worth ${coupon.amount}: redeemed ${coupon.redeemed} - restored ${coupon.restored} = ${outstanding}`,
      },
    ];
  });

/** Every rule over the store's facts, in a stable order. */
export const storeDifferences = (facts: AuditFacts): Difference[] => [
  ...checkOrdersSettled(facts),
  ...checkStock(facts),
  ...checkPayments(facts),
  ...checkPoints(facts),
  ...checkCoupons(facts),
];

import type { FoldEvent } from '../rebuild/independent-fold.ts';
import { sagasShape } from '../rebuild/sagas-fold.ts';

/**
 * What the consistency audit (`ops verify`) needs to know, folded from the store's events in global order.
 * Deliberately plain sums and last values, written from the documented rules (docs/domain.md,
 * docs/payments.md), not from the deciders: the audit checks what they did.
 */
export interface OrderFacts {
  customerId: string;
  total: number;
  status: 'pending' | 'confirmed' | 'cancelled';
  /** For a cancelled order: whether it had been confirmed (a refund is owed). */
  cancelledAfterConfirm: boolean;
  placedAt: string;
}

export interface StockFacts {
  registered: number;
  restocked: number;
  committed: number;
  returned: number;
  /** Units held per order: reserved, minus released or committed. */
  heldByOrder: Map<string, number>;
  /** The levels the last event stated. */
  onHand: number;
  available: number;
  /** The first event that stated a negative level. */
  negative?: string;
}

export interface MoneyFacts {
  captured: number;
  refunded: number;
}

export interface BalanceFacts {
  granted: number;
  spent: number;
  refunded: number;
  /** The balance the last event stated. */
  balance: number;
}

export interface CouponFacts {
  amount: number;
  redeemed: number;
  restored: number;
}

export interface AuditFacts {
  orders: Map<string, OrderFacts>;
  stock: Map<string, StockFacts>;
  /** Gateway money per order. */
  payments: Map<string, MoneyFacts>;
  /** Points spent minus given back, per order. */
  pointsByOrder: Map<string, number>;
  /** Coupon amounts redeemed minus restored, per order. */
  couponsByOrder: Map<string, number>;
  points: Map<string, BalanceFacts>;
  coupons: Map<string, CouponFacts>;
  /** Saga state per order (`running`, `compensating`, `stuck`, `completed`, `compensated`). */
  sagaStates(): Map<string, string>;
  apply(event: FoldEvent): void;
}

type Data = Record<string, unknown>;
const num = (value: unknown) => Number(value ?? 0);
const str = (value: unknown) => String(value);

const add = (map: Map<string, number>, key: string, amount: number) => map.set(key, (map.get(key) ?? 0) + amount);

export const auditFacts = (): AuditFacts => {
  const orders = new Map<string, OrderFacts>();
  const stock = new Map<string, StockFacts>();
  const payments = new Map<string, MoneyFacts>();
  const pointsByOrder = new Map<string, number>();
  const couponsByOrder = new Map<string, number>();
  const points = new Map<string, BalanceFacts>();
  const coupons = new Map<string, CouponFacts>();
  const sagas = sagasShape.newFold();

  const stockOf = (sku: string): StockFacts => {
    let facts = stock.get(sku);
    if (!facts) {
      facts = {
        registered: 0,
        restocked: 0,
        committed: 0,
        returned: 0,
        heldByOrder: new Map(),
        onHand: 0,
        available: 0,
      };
      stock.set(sku, facts);
    }
    return facts;
  };
  const moneyOf = (orderId: string): MoneyFacts => {
    let facts = payments.get(orderId);
    if (!facts) {
      facts = { captured: 0, refunded: 0 };
      payments.set(orderId, facts);
    }
    return facts;
  };
  const pointsOf = (customerId: string): BalanceFacts => {
    let facts = points.get(customerId);
    if (!facts) {
      facts = { granted: 0, spent: 0, refunded: 0, balance: 0 };
      points.set(customerId, facts);
    }
    return facts;
  };
  const couponOf = (code: string): CouponFacts => {
    let facts = coupons.get(code);
    if (!facts) {
      facts = { amount: 0, redeemed: 0, restored: 0 };
      coupons.set(code, facts);
    }
    return facts;
  };
  const levels = (facts: StockFacts, data: Data, event: FoldEvent) => {
    if (data.onHand === undefined) return;
    facts.onHand = num(data.onHand);
    facts.available = num(data.available);
    if ((facts.onHand < 0 || facts.available < 0) && !facts.negative) {
      facts.negative = `${event.streamId}@${event.version}`;
    }
  };

  const apply = (event: FoldEvent): void => {
    const data = (event.data ?? {}) as Data;
    switch (event.type) {
      case 'OrderPlaced':
        orders.set(str(data.orderId), {
          customerId: str(data.customerId),
          total: num(data.total),
          status: 'pending',
          cancelledAfterConfirm: false,
          placedAt: str(data.placedAt),
        });
        return;
      case 'OrderConfirmed': {
        const order = orders.get(str(data.orderId));
        if (order) order.status = 'confirmed';
        return;
      }
      case 'OrderCancelled': {
        const order = orders.get(str(data.orderId));
        if (order) {
          order.cancelledAfterConfirm = data.previousStatus === 'confirmed';
          order.status = 'cancelled';
        }
        return;
      }
      case 'SkuRegistered': {
        const facts = stockOf(str(data.sku));
        facts.registered += num(data.initialStock);
        levels(facts, data, event);
        return;
      }
      case 'StockRestocked': {
        const facts = stockOf(str(data.sku));
        facts.restocked += num(data.quantity);
        levels(facts, data, event);
        return;
      }
      case 'StockReserved': {
        const facts = stockOf(str(data.sku));
        add(facts.heldByOrder, str(data.orderId), num(data.quantity));
        levels(facts, data, event);
        return;
      }
      case 'StockReleased': {
        const facts = stockOf(str(data.sku));
        add(facts.heldByOrder, str(data.orderId), -num(data.quantity));
        levels(facts, data, event);
        return;
      }
      case 'ReservationCommitted': {
        const facts = stockOf(str(data.sku));
        add(facts.heldByOrder, str(data.orderId), -num(data.quantity));
        facts.committed += num(data.quantity);
        levels(facts, data, event);
        return;
      }
      case 'StockReturned': {
        const facts = stockOf(str(data.sku));
        facts.returned += num(data.quantity);
        levels(facts, data, event);
        return;
      }
      case 'PaymentCaptured':
        moneyOf(str(data.orderId)).captured += num(data.amount);
        return;
      case 'PaymentRefunded':
        moneyOf(str(data.orderId)).refunded += num(data.amount);
        return;
      case 'PointsGranted': {
        const facts = pointsOf(str(data.customerId));
        facts.granted += num(data.amount);
        facts.balance = num(data.balance);
        return;
      }
      case 'PointsSpent': {
        const facts = pointsOf(str(data.customerId));
        facts.spent += num(data.amount);
        facts.balance = num(data.balance);
        add(pointsByOrder, str(data.orderId), num(data.amount));
        return;
      }
      case 'PointsRefunded': {
        const facts = pointsOf(str(data.customerId));
        facts.refunded += num(data.amount);
        facts.balance = num(data.balance);
        add(pointsByOrder, str(data.orderId), -num(data.amount));
        return;
      }
      case 'CouponCreated':
        couponOf(str(data.code)).amount = num(data.amount);
        return;
      case 'CouponRedeemed':
        couponOf(str(data.code)).redeemed += num(data.amount);
        add(couponsByOrder, str(data.orderId), num(data.amount));
        return;
      case 'CouponRestored':
        couponOf(str(data.code)).restored += num(data.amount);
        add(couponsByOrder, str(data.orderId), -num(data.amount));
        return;
      default:
        if (event.streamId.startsWith('saga-')) sagas.apply(event);
    }
  };

  return {
    orders,
    stock,
    payments,
    pointsByOrder,
    couponsByOrder,
    points,
    coupons,
    sagaStates: () => new Map(Array.from(sagas.model(), ([orderId, row]) => [orderId, String(JSON.parse(row).state)])),
    apply,
  };
};

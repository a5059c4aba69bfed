import type { Redis } from 'ioredis';
import type { SagaStatus } from '../../domain/order-saga/state.ts';
import { type OrderStatus, orderStatuses } from '../orders/order-queries.ts';
import { dashboardKeys, minuteOf } from './dashboard-keys.ts';

const sagaStatuses: readonly SagaStatus[] = ['running', 'compensating', 'stuck', 'completed', 'compensated'];

export interface DashboardCounters {
  ordersByStatus: Record<OrderStatus, number>;
  sagasByState: Record<SagaStatus, number>;
  /** Oldest first, one entry per UTC minute up to the current one, 0 for a minute without orders. */
  ordersPerMinute: { minute: string; count: number }[];
  /** Most units sold first. */
  topSkus: { sku: string; unitsSold: number }[];
}

export interface DashboardCountersOptions {
  minutes?: number;
  top?: number;
  now?: Date;
}

const countsOf = <K extends string>(names: readonly K[], hash: Record<string, string>): Record<K, number> =>
  Object.fromEntries(names.map((name) => [name, Number(hash[name] ?? 0)])) as Record<K, number>;

/** The dashboard's numbers, read in one round trip. */
export const readDashboardCounters = async (
  redis: Redis,
  prefix: string,
  { minutes = 60, top = 10, now = new Date() }: DashboardCountersOptions = {},
): Promise<DashboardCounters> => {
  const keys = dashboardKeys(prefix);
  const minuteList = Array.from({ length: minutes }, (_, index) =>
    minuteOf(new Date(now.getTime() - (minutes - 1 - index) * 60_000)),
  );
  const pipeline = redis.pipeline();
  pipeline.hgetall(keys.ordersByStatus);
  pipeline.hgetall(keys.sagasByState);
  if (minuteList.length > 0) pipeline.mget(...minuteList.map(keys.ordersPerMinute));
  pipeline.zrevrange(keys.topSkus, 0, Math.max(0, top - 1), 'WITHSCORES');
  const results = (await pipeline.exec()) ?? [];
  const failure = results.find(([error]) => error)?.[0];
  if (failure) throw failure;
  const values = results.map(([, value]) => value);
  const ordersHash = values[0] as Record<string, string>;
  const sagasHash = values[1] as Record<string, string>;
  const perMinute = (minuteList.length > 0 ? values[2] : []) as (string | null)[];
  const ranked = values.at(-1) as string[];
  const topSkus: DashboardCounters['topSkus'] = [];
  for (let index = 0; index + 1 < ranked.length && top > 0; index += 2) {
    topSkus.push({ sku: ranked[index]!, unitsSold: Number(ranked[index + 1]) });
  }
  return {
    ordersByStatus: countsOf(orderStatuses, ordersHash),
    sagasByState: countsOf(sagaStatuses, sagasHash),
    ordersPerMinute: minuteList.map((minute, index) => ({ minute, count: Number(perMinute[index] ?? 0) })),
    topSkus,
  };
};

export interface CachedOrderStatus {
  status: OrderStatus;
  version: number;
  updatedAt: string;
}

/** The order-status cache: undefined when Redis holds nothing for the order (never seen, or expired). */
export const readCachedOrderStatus = async (
  redis: Redis,
  prefix: string,
  orderId: string,
): Promise<CachedOrderStatus | undefined> => {
  const hash = await redis.hgetall(dashboardKeys(prefix).order(orderId));
  if (!hash.status || hash.version === undefined) return undefined;
  return { status: hash.status as OrderStatus, version: Number(hash.version), updatedAt: hash.updatedAt ?? '' };
};

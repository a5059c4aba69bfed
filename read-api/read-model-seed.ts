import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Decider } from '../domain/decider.ts';
import { inventoryDecider } from '../domain/inventory/inventory-decider.ts';
import type { Command, Event } from '../domain/message.ts';
import { orderDecider } from '../domain/order/order-decider.ts';
import { type OrderLine, orderTotal } from '../domain/order/order-line.ts';
import { sagaDecider } from '../domain/order-saga/decider.ts';
import { sagaStreamId } from '../domain/order-saga/ids.ts';
import type { SagaInput } from '../domain/order-saga/inputs.ts';
import { inventoryStreamId, orderStreamId } from '../domain/streams.ts';
import { runCommands } from '../domain/testing/run-commands.ts';
import { dashboardKeys } from '../projections/dashboard/dashboard-keys.ts';
import { defaultDashboardTtls } from '../projections/dashboard/dashboard-projector.ts';
import { loadDashboardScripts, queueDashboardUpdate } from '../projections/dashboard/dashboard-scripts.ts';
import { dashboardUpdateOf } from '../projections/dashboard/dashboard-updates.ts';
import { inventoryProjection } from '../projections/inventory/inventory-projection.ts';
import { ordersProjection } from '../projections/orders/orders-projection.ts';
import type { Projection } from '../projections/projector/projection.ts';
import { envelopeOf, recordedEvent } from '../projections/projector/testing/recorded-events.ts';
import { sagasProjection } from '../projections/sagas/sagas-projection.ts';
import type { EventEnvelope } from '../schemas/kafka-envelope.ts';

/**
 * Test data for the query API, made the way production makes it: commands through the real deciders,
 * their events through the real Avro envelope into the real projection handlers (each batch in one
 * transaction) and, given Redis, into the dashboard's counters through the dashboard projector's own
 * update scripts. Nothing here writes a read-model row or key by hand.
 */
export interface ReadModelSeed {
  /** Returns the version of `order-<orderId>` the events reached. */
  placeOrder(order: { orderId: string; customerId: string; at: string; lines?: OrderLine[] }): Promise<number>;
  confirmOrder(orderId: string, at: string): Promise<number>;
  cancelOrder(orderId: string, at: string): Promise<number>;
  registerSku(sku: { sku: string; name: string; unitPrice: number; initialStock: number }): Promise<number>;
  reserveStock(sku: string, orderId: string, quantity: number): Promise<number>;
  /** Feeds one input to the order's saga (the real saga decider); the first must be `OrderPlaced`. */
  sagaInput(orderId: string, input: { type: SagaInput['type']; data: unknown }, at: string): Promise<number>;
  /** Starts the saga of an order as its `OrderPlaced` would. */
  startSaga(order: { orderId: string; customerId: string; at: string; lines?: OrderLine[] }): Promise<number>;
  /** Decides the confirmation now but projects it only when told: a read model that lags behind the store. */
  stageConfirmOrder(orderId: string, at: string): StagedEvents;
}

export interface StagedEvents {
  /** The stream version the events reach once projected. */
  version: number;
  project(): Promise<number>;
}

export const defaultLines: OrderLine[] = [{ sku: 'sku-a', quantity: 2, unitPrice: 1500 }];

export interface DashboardTarget {
  redis: Redis;
  redisPrefix: string;
}

export const readModelSeed = (pool: pg.Pool, dashboard?: DashboardTarget): ReadModelSeed => {
  let scriptsLoaded: Promise<void> | undefined;
  const countOnDashboard = async (envelopes: EventEnvelope[]) => {
    if (!dashboard) return;
    scriptsLoaded ??= loadDashboardScripts(dashboard.redis);
    await scriptsLoaded;
    const pipeline = dashboard.redis.pipeline();
    const keys = dashboardKeys(dashboard.redisPrefix);
    for (const envelope of envelopes) {
      const update = dashboardUpdateOf(envelope);
      if (update) queueDashboardUpdate(pipeline, keys, update, defaultDashboardTtls);
    }
    const failure = ((await pipeline.exec()) ?? []).find(([error]) => error)?.[0];
    if (failure) throw failure;
  };
  const histories = new Map<string, Event[]>();
  const projections: Record<string, Projection> = {
    order: ordersProjection(),
    inventory: inventoryProjection(),
    saga: sagasProjection(),
  };

  const stage = <C, E extends Event>(decider: Decider<unknown, C, E>, streamId: string, command: C): StagedEvents => {
    const history = (histories.get(streamId) ?? []) as E[];
    const events = runCommands(decider, [command], history);
    histories.set(streamId, [...history, ...events]);
    const first = history.length;
    const version = first + events.length - 1;
    const project = async (): Promise<number> => {
      const projection = projections[streamId.slice(0, streamId.indexOf('-'))];
      if (!projection) throw new Error(`no read model projects stream ${streamId}`);
      const envelopes = events.map((event, index) =>
        envelopeOf(recordedEvent(streamId, first + index, event.type, event.data)),
      );
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        for (const envelope of envelopes) await projection.handle(client, envelope);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
      await countOnDashboard(envelopes);
      return version;
    };
    return { version, project };
  };

  const run = <C, E extends Event>(decider: Decider<unknown, C, E>, streamId: string, command: C) =>
    stage(decider, streamId, command).project();

  const order = orderDecider as unknown as Decider<unknown, Command, Event>;
  const inventory = inventoryDecider as unknown as Decider<unknown, Command, Event>;
  const saga = sagaDecider as unknown as Decider<unknown, Command, Event>;
  const sagaInput = (orderId: string, input: { type: string; data: unknown }, at: string) =>
    run(saga, sagaStreamId(orderId), { ...input, metadata: metadata(at) });
  const metadata = (now: string) => ({ commandId: `seed-${now}-${Math.random()}`, now });

  return {
    placeOrder: ({ orderId, customerId, at, lines = defaultLines }) =>
      run(order, orderStreamId(orderId), {
        type: 'PlaceOrder',
        data: {
          orderId,
          customerId,
          lines,
          payment: [{ method: 'card', amount: orderTotal(lines), token: 'tok_ok' }],
          context: { pointsBalance: 0, coupons: {} },
        },
        metadata: metadata(at),
      }),
    confirmOrder: (orderId, at) =>
      stage(order, orderStreamId(orderId), {
        type: 'ConfirmOrder',
        data: { orderId },
        metadata: metadata(at),
      }).project(),
    cancelOrder: (orderId, at) =>
      run(order, orderStreamId(orderId), {
        type: 'CancelOrder',
        data: { orderId, reason: 'customer_request', requestedBy: 'customer' },
        metadata: metadata(at),
      }),
    registerSku: (data) =>
      run(inventory, inventoryStreamId(data.sku), {
        type: 'RegisterSku',
        data,
        metadata: metadata(new Date().toISOString()),
      }),
    reserveStock: (sku, orderId, quantity) =>
      run(inventory, inventoryStreamId(sku), {
        type: 'ReserveStock',
        data: { sku, orderId, quantity },
        metadata: metadata(new Date().toISOString()),
      }),
    sagaInput,
    startSaga: ({ orderId, customerId, at, lines = defaultLines }) => {
      const total = orderTotal(lines);
      const payment = [{ method: 'card' as const, amount: total, token: 'tok_ok' }];
      const data = { orderId, customerId, lines, total, currency: 'EUR', payment, placedAt: at };
      return sagaInput(orderId, { type: 'OrderPlaced', data }, at);
    },
    stageConfirmOrder: (orderId, at) =>
      stage(order, orderStreamId(orderId), { type: 'ConfirmOrder', data: { orderId }, metadata: metadata(at) }),
  };
};

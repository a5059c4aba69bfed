/**
 * End-to-end rig of the saga tests: a fresh PostgreSQL schema, topics under a prefix of their own, the real
 * relay in process, and the saga runtime in process or as a child process. Commands go in through the
 * command handler; tests wait on conditions folded from the streams.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import pg from 'pg';
import { paymentAccounts, pricedLines, type RequestedItem } from '../../commands/api/order-inputs.ts';
import { handleCommand, readState } from '../../commands/command-handler.ts';
import type { RecordedEvent } from '../../commands/event-store/event-store.ts';
import { PostgresEventStore } from '../../commands/event-store/postgres/postgres-event-store.ts';
import { createPaymentService } from '../../commands/payment/payment-service.ts';
import { simulatedPaymentGateway } from '../../commands/payment-gateway/simulated-payment-gateway.ts';
import { Relay } from '../../commands/relay/relay.ts';
import { RelayCheckpoint } from '../../commands/relay/relay-checkpoint.ts';
import { RelayLeadership } from '../../commands/relay/relay-leadership.ts';
import { loadConfig } from '../../deploy/config.ts';
import { createKafka, idempotentProducerConfig } from '../../deploy/kafka-client.ts';
import { migrate } from '../../deploy/migrate.ts';
import { couponDecider } from '../../domain/coupon/coupon-decider.ts';
import type { CouponState } from '../../domain/coupon/state.ts';
import { inventoryDecider } from '../../domain/inventory/inventory-decider.ts';
import type { InventoryState } from '../../domain/inventory/state.ts';
import { orderDecider } from '../../domain/order/order-decider.ts';
import type { OrderState } from '../../domain/order/state.ts';
import { sagaStreamId } from '../../domain/order-saga/ids.ts';
import type { SagaOptions } from '../../domain/order-saga/options.ts';
import type { StartedSaga } from '../../domain/order-saga/state.ts';
import type { AuthorizationRequest, PaymentGateway } from '../../domain/payment/payment-gateway.ts';
import type { PaymentPart } from '../../domain/payment-plan/payment-part.ts';
import { pointsDecider } from '../../domain/points/points-decider.ts';
import type { PointsState } from '../../domain/points/state.ts';
import { couponStreamId, inventoryStreamId, orderStreamId, pointsStreamId } from '../../domain/streams.ts';
import { uniqueName } from '../../test/support/names.ts';
import { createTestSchema, type TestSchema } from '../../test/support/postgres.ts';
import { deleteTopicsWithPrefix } from '../../test/support/topics.ts';
import { waitFor } from '../../test/support/wait.ts';
import { type WatchedProcess, watchProcess } from '../../test/support/watched-process.ts';
import { loadSaga } from './operations.ts';
import { ensureSagaTopics, SagaRuntime } from './runtime.ts';

const root = new URL('../..', import.meta.url).pathname;

/** The simulated gateway, except that `tok_error` approves for the orders a test has healed. */
export interface HealableGateway extends PaymentGateway {
  heal(orderId: string): void;
  requests: AuthorizationRequest[];
}

const healableGateway = (): HealableGateway => {
  const inner = simulatedPaymentGateway();
  const healed = new Set<string>();
  const requests: AuthorizationRequest[] = [];
  return {
    requests,
    heal: (orderId) => healed.add(orderId),
    authorize: async (request, signal) => {
      requests.push(request);
      if (request.token === 'tok_error' && healed.has(request.orderId)) {
        return { outcome: 'approved', authorizationId: `auth_${request.orderId}` };
      }
      return inner.authorize(request, signal);
    },
  };
};

export interface InProcessSagaOptions {
  sagaOptions?: Partial<SagaOptions>;
  gatewayTimeoutMs?: number;
  deadlinePollMs?: number;
}

export type SagaProcess = WatchedProcess;

export interface PlaceOrderInput {
  customerId?: string;
  items: RequestedItem[];
  payment: PaymentPart[];
}

const settledStatuses = new Set(['completed', 'compensated']);

export class SagaHarness {
  readonly gateway = healableGateway();
  readonly logs: Record<string, unknown>[] = [];
  /** How often the in-process runtime handled each event id, per consumer. */
  readonly handled = { inputs: new Map<string, number>(), steps: new Map<string, number>() };
  private runtime: { saga: SagaRuntime; pool: pg.Pool } | undefined;
  private processes: SagaProcess[] = [];

  private constructor(
    readonly db: TestSchema,
    readonly store: PostgresEventStore,
    readonly prefix: string,
    readonly brokers: string[],
    private readonly stopRelay: () => Promise<void>,
  ) {}

  static async create(): Promise<SagaHarness> {
    const { kafkaBrokers } = loadConfig();
    const db = await createTestSchema('saga');
    await migrate(db.pool);
    const prefix = `${uniqueName('saga')}.`;
    await ensureSagaTopics(kafkaBrokers, prefix);
    const store = new PostgresEventStore(db.pool);
    const producer = createKafka(kafkaBrokers, 'saga-test-relay').producer({
      ...idempotentProducerConfig,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    // A name of its own: the relay's leadership lock is an advisory lock, shared by every schema of the database.
    const relayName = uniqueName('relay');
    const relay = new Relay({
      store,
      producer,
      checkpoint: new RelayCheckpoint(db.pool, relayName),
      leadership: new RelayLeadership(db.pool, relayName),
      topicPrefix: prefix,
      idleDelayMs: 5,
      log: () => undefined,
    });
    const stop = new AbortController();
    const running = relay.run(stop.signal);
    const harness = new SagaHarness(db, store, prefix, kafkaBrokers, async () => {
      stop.abort();
      await running.catch(() => undefined);
      await producer.disconnect();
    });
    return harness;
  }

  /** The saga runtime in this process, with the healable gateway. */
  async startSaga(options: InProcessSagaOptions = {}): Promise<SagaRuntime> {
    const pool = new pg.Pool({ ...this.db.poolConfig, max: 12 });
    const store = new PostgresEventStore(pool);
    const clock = () => new Date();
    const payments = createPaymentService({
      store,
      gateway: this.gateway,
      clock,
      ...(options.gatewayTimeoutMs === undefined ? {} : { gatewayTimeoutMs: options.gatewayTimeoutMs }),
    });
    const saga = new SagaRuntime({
      store,
      pool,
      payments,
      brokers: this.brokers,
      topicPrefix: this.prefix,
      sagaOptions: options.sagaOptions ?? {},
      deadlinePollMs: options.deadlinePollMs ?? 50,
      clock,
      log: (line) => this.logs.push(line),
      onHandled: (consumer, { eventId }) => {
        this.handled[consumer].set(eventId, (this.handled[consumer].get(eventId) ?? 0) + 1);
      },
    });
    await saga.start();
    this.runtime = { saga, pool };
    return saga;
  }

  /** `node --import tsx projections/saga/main.ts` on this harness's schema and topics. */
  startSagaProcess(env: Record<string, string> = {}): SagaProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', 'projections/saga/main.ts'], {
      cwd: root,
      env: {
        ...process.env,
        PGOPTIONS: `-c search_path=${this.db.schema}`,
        KAFKA_TOPIC_PREFIX: this.prefix,
        SAGA_DEADLINE_POLL_MS: '50',
        METRICS_PORT_SAGA: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const handle = watchProcess(child);
    this.processes.push(handle);
    return handle;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.processes.map((process) => process.kill('SIGKILL')));
    if (this.runtime) {
      await this.runtime.saga.stop();
      await this.runtime.pool.end();
    }
    await this.stopRelay();
    await this.db.drop().catch(() => undefined);
    await deleteTopicsWithPrefix(this.prefix).catch(() => undefined);
  }

  private metadata = () => ({ commandId: randomUUID(), now: new Date().toISOString() });

  async registerSku(initialStock: number, unitPrice = 1_000): Promise<string> {
    const sku = uniqueName('sku');
    await handleCommand({
      store: this.store,
      decider: inventoryDecider,
      streamId: inventoryStreamId(sku),
      command: {
        type: 'RegisterSku',
        data: { sku, name: `Item ${sku}`, unitPrice, initialStock },
        metadata: this.metadata(),
      },
    });
    return sku;
  }

  /** A new customer with this many points. */
  async grantPoints(amount: number, customerId = uniqueName('customer')): Promise<string> {
    await handleCommand({
      store: this.store,
      decider: pointsDecider,
      streamId: pointsStreamId(customerId),
      command: { type: 'GrantPoints', data: { customerId, amount }, metadata: this.metadata() },
    });
    return customerId;
  }

  async createCoupon(amount: number): Promise<string> {
    const code = uniqueName('coupon');
    await handleCommand({
      store: this.store,
      decider: couponDecider,
      streamId: couponStreamId(code),
      command: { type: 'CreateCoupon', data: { code, amount }, metadata: this.metadata() },
    });
    return code;
  }

  /** Places the order as the command API does: lines priced and accounts read just before. */
  async placeOrder({ customerId = uniqueName('customer'), items, payment }: PlaceOrderInput): Promise<string> {
    const orderId = uniqueName('order');
    const [lines, context] = await Promise.all([
      pricedLines(this.store, items),
      paymentAccounts(this.store, customerId, payment),
    ]);
    await handleCommand({
      store: this.store,
      decider: orderDecider,
      streamId: orderStreamId(orderId),
      command: {
        type: 'PlaceOrder',
        data: { orderId, customerId, lines, payment, context },
        metadata: { commandId: randomUUID(), now: new Date().toISOString(), correlationId: orderId },
      },
    });
    return orderId;
  }

  async cancelOrder(orderId: string): Promise<void> {
    await handleCommand({
      store: this.store,
      decider: orderDecider,
      streamId: orderStreamId(orderId),
      command: {
        type: 'CancelOrder',
        data: { orderId, reason: 'customer_request', requestedBy: 'customer' },
        metadata: { commandId: randomUUID(), now: new Date().toISOString(), correlationId: orderId },
      },
    });
  }

  async saga(orderId: string): Promise<StartedSaga | undefined> {
    const saga = await loadSaga(this.store, orderId);
    return saga.status === 'not_started' ? undefined : saga;
  }

  /** Waits until the order's saga satisfies `done`; the saga's last state is in the timeout message. */
  async waitForSaga(
    orderId: string,
    done: (saga: StartedSaga) => boolean,
    what: string,
    timeoutMs = 30_000,
  ): Promise<StartedSaga> {
    let last: StartedSaga | undefined;
    try {
      return await waitFor(
        async () => {
          last = await this.saga(orderId);
          return last && done(last) ? last : undefined;
        },
        { timeoutMs, intervalMs: 50, what: `${what} (order ${orderId})` },
      );
    } catch (error) {
      const state = last ? `status ${last.status}, steps ${JSON.stringify(last.steps)}` : 'no saga';
      throw new Error(`${(error as Error).message}; saga: ${state}`);
    }
  }

  /** Completed or compensated. */
  settled(orderId: string, timeoutMs?: number): Promise<StartedSaga> {
    return this.waitForSaga(orderId, (saga) => settledStatuses.has(saga.status), 'the saga to settle', timeoutMs);
  }

  events(streamId: string): Promise<RecordedEvent[]> {
    return this.store.readStream(streamId);
  }

  async count(streamId: string, type: string, orderId?: string): Promise<number> {
    return (await this.events(streamId)).filter(
      (event) =>
        event.type === type && (orderId === undefined || (event.data as { orderId?: string }).orderId === orderId),
    ).length;
  }

  sagaEvents(orderId: string): Promise<RecordedEvent[]> {
    return this.events(sagaStreamId(orderId));
  }

  order(orderId: string): Promise<OrderState> {
    return readState(this.store, orderDecider, orderStreamId(orderId));
  }

  inventory(sku: string): Promise<InventoryState> {
    return readState(this.store, inventoryDecider, inventoryStreamId(sku));
  }

  points(customerId: string): Promise<PointsState> {
    return readState(this.store, pointsDecider, pointsStreamId(customerId));
  }

  coupon(code: string): Promise<CouponState> {
    return readState(this.store, couponDecider, couponStreamId(code));
  }
}

/** The available stock of a registered SKU. */
export const availableOf = (state: InventoryState): number =>
  state.status === 'Registered' ? state.onHand - state.reserved : Number.NaN;

/**
 * Rig of the notifier tests: a fresh PostgreSQL schema, topics under a prefix of their own, the real relay
 * in process, orders driven through the command handler, subscriptions made through the real command API,
 * a real HTTP receiver (node:http) whose answers each test scripts, and the notifier in process or as a
 * child process.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Partitioners } from 'kafkajs';
import { type RunningCommandApi, startCommandApi } from '../../commands/api/command-api-harness.ts';
import { handleCommand } from '../../commands/command-handler.ts';
import type { RecordedEvent } from '../../commands/event-store/event-store.ts';
import { PostgresEventStore } from '../../commands/event-store/postgres/postgres-event-store.ts';
import { Relay } from '../../commands/relay/relay.ts';
import { RelayCheckpoint } from '../../commands/relay/relay-checkpoint.ts';
import { RelayLeadership } from '../../commands/relay/relay-leadership.ts';
import { secretBox } from '../../commands/webhooks/secret-box.ts';
import { loadConfig, type WebhookConfig } from '../../deploy/config.ts';
import { createKafka, idempotentProducerConfig } from '../../deploy/kafka-client.ts';
import { migrate } from '../../deploy/migrate.ts';
import { ensureEventTopics } from '../../deploy/topics.ts';
import { notificationStreamId, type WebhookEventType } from '../../domain/notification/events.ts';
import { orderDecider } from '../../domain/order/order-decider.ts';
import { orderStreamId, paymentStreamId } from '../../domain/streams.ts';
import { uniqueName } from '../../test/support/names.ts';
import { createTestSchema, type TestSchema } from '../../test/support/postgres.ts';
import { deleteTopicsWithPrefix } from '../../test/support/topics.ts';
import { type WatchedProcess, watchProcess } from '../../test/support/watched-process.ts';
import { Notifier } from './notifier.ts';

const root = new URL('../..', import.meta.url).pathname;

/** Quick settings for tests: short timeouts and pauses, a few attempts, local receivers allowed. */
export const testWebhookConfig = (overrides: Partial<WebhookConfig> = {}): WebhookConfig => ({
  allowPrivate: true,
  maxAttempts: 3,
  retryBaseMs: 50,
  retryMaxMs: 200,
  timeoutMs: 1_000,
  concurrency: 8,
  perSubscription: 4,
  disableAfterMs: 24 * 3_600_000,
  pollMs: 50,
  ...overrides,
});

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** When it arrived (ms since the epoch). */
  at: number;
}

/** What the receiver does with one request: answer a status (with headers), or never answer. */
export type ReceiverAnswer = { status: number; headers?: Record<string, string> } | 'hang';

/** A real HTTP server; per path, a script of answers (the last one repeats), 200 by default. */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly scripts = new Map<string, ReceiverAnswer[]>();
  private readonly hanging = new Set<ServerResponse>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<Receiver> {
    const server = createServer();
    const receiver = new Receiver(server);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        receiver.requests.push({
          path,
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        });
        const script = receiver.scripts.get(path) ?? [];
        const answer = (script.length > 1 ? script.shift() : script[0]) ?? { status: 200 };
        if (answer === 'hang') {
          receiver.hanging.add(response);
          return;
        }
        response.writeHead(answer.status, answer.headers).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  script(path: string, answers: ReceiverAnswer[]): void {
    this.scripts.set(path, [...answers]);
  }

  at(path: string): ReceivedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  /** Ends the requests left hanging (their sender may be long gone). */
  releaseHanging(): void {
    for (const response of this.hanging) response.destroy();
    this.hanging.clear();
  }

  async close(): Promise<void> {
    this.releaseHanging();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export type NotifierProcess = WatchedProcess;

export class NotifierHarness {
  readonly logs: Record<string, unknown>[] = [];
  private notifiers: Notifier[] = [];
  private processes: NotifierProcess[] = [];

  private constructor(
    readonly db: TestSchema,
    readonly store: PostgresEventStore,
    readonly prefix: string,
    readonly api: RunningCommandApi,
    readonly receiver: Receiver,
    /** Seals the signing secrets: the command API's and the notifier's (`DATA_KEY`). */
    readonly dataKey: Buffer,
    private readonly stopRelay: () => Promise<void>,
  ) {}

  static async create(): Promise<NotifierHarness> {
    const { kafkaBrokers } = loadConfig();
    const db = await createTestSchema('notifier');
    await migrate(db.pool);
    const prefix = `${uniqueName('notifier')}.`;
    await ensureEventTopics(kafkaBrokers, prefix);
    const store = new PostgresEventStore(db.pool, { ownsPool: false });
    const producer = createKafka(kafkaBrokers, 'notifier-test-relay').producer({
      ...idempotentProducerConfig,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
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
    // The command API's subscriptions go into this harness's schema; local receivers are allowed.
    const dataKey = randomBytes(32);
    const api = await startCommandApi({
      dataKey,
      webhooks: { db: db.pool, secrets: secretBox(dataKey), urlPolicy: { allowPrivate: true } },
    });
    const receiver = await Receiver.start();
    return new NotifierHarness(db, store, prefix, api, receiver, dataKey, async () => {
      stop.abort();
      await running.catch(() => undefined);
      await producer.disconnect();
    });
  }

  /** POST /webhooks on the real command API; returns the id and the signing secret. */
  async subscribe(
    path: string,
    events: WebhookEventType[],
    customerId?: string,
  ): Promise<{ id: string; secret: string }> {
    const answer = await this.api.post('/webhooks', {
      url: this.receiver.url(path),
      events,
      ...(customerId ? { customerId } : {}),
    });
    if (answer.status !== 201) throw new Error(`subscribe: ${answer.status} ${JSON.stringify(answer.body)}`);
    return { id: answer.body.id, secret: answer.body.secret };
  }

  async startNotifier(overrides: Partial<WebhookConfig> = {}): Promise<Notifier> {
    const notifier = new Notifier({
      db: this.db.pool,
      store: this.store,
      secrets: secretBox(this.dataKey),
      brokers: loadConfig().kafkaBrokers,
      topicPrefix: this.prefix,
      webhooks: testWebhookConfig(overrides),
      log: (line) => this.logs.push(line),
    });
    await notifier.start();
    this.notifiers.push(notifier);
    return notifier;
  }

  /** Makes the in-process notifiers look for due deliveries now (an operator changed a row). */
  notifierWake(): void {
    for (const notifier of this.notifiers) notifier.worker.wake();
  }

  /** `node --import tsx projections/notifier/main.ts` on this harness's schema and topics. */
  startNotifierProcess(env: Record<string, string> = {}): NotifierProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', 'projections/notifier/main.ts'], {
      cwd: root,
      env: {
        ...process.env,
        PGOPTIONS: `-c search_path=${this.db.schema}`,
        KAFKA_TOPIC_PREFIX: this.prefix,
        METRICS_PORT_NOTIFIER: '0',
        DATA_KEY: this.dataKey.toString('hex'),
        WEBHOOK_ALLOW_PRIVATE: 'true',
        WEBHOOK_RETRY_BASE: '50ms',
        WEBHOOK_POLL: '50ms',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const handle = watchProcess(child);
    this.processes.push(handle);
    return handle;
  }

  private metadata = (orderId: string) => ({
    commandId: randomUUID(),
    now: new Date().toISOString(),
    correlationId: orderId,
  });

  /** A placed order of `total` minor units (no stock or payment involved: the notifier reads only the order). */
  async placeOrder(
    customerId = uniqueName('customer'),
    total = 4_200,
  ): Promise<{ orderId: string; customerId: string }> {
    const orderId = uniqueName('order');
    await handleCommand({
      store: this.store,
      decider: orderDecider,
      streamId: orderStreamId(orderId),
      command: {
        type: 'PlaceOrder',
        data: {
          orderId,
          customerId,
          lines: [{ sku: 'sku-notify', quantity: 1, unitPrice: total }],
          payment: [{ method: 'card', amount: total, token: 'tok_ok' }],
          context: { pointsBalance: 0, coupons: {} },
        },
        metadata: this.metadata(orderId),
      },
    });
    return { orderId, customerId };
  }

  async confirmOrder(orderId: string): Promise<void> {
    await handleCommand({
      store: this.store,
      decider: orderDecider,
      streamId: orderStreamId(orderId),
      command: { type: 'ConfirmOrder', data: { orderId }, metadata: this.metadata(orderId) },
    });
  }

  async cancelOrder(orderId: string): Promise<void> {
    await handleCommand({
      store: this.store,
      decider: orderDecider,
      streamId: orderStreamId(orderId),
      command: {
        type: 'CancelOrder',
        data: { orderId, reason: 'customer_request', requestedBy: 'customer' },
        metadata: this.metadata(orderId),
      },
    });
  }

  /** The refund the saga gets from the payment service after a confirmed order is cancelled (written as such). */
  async refund(orderId: string, amount: number): Promise<void> {
    const stream = paymentStreamId(orderId);
    const existing = await this.store.readStream(stream);
    await this.store.appendToStream(
      stream,
      [
        {
          id: randomUUID(),
          type: 'PaymentRefunded',
          data: {
            orderId,
            authorizationId: `auth-${orderId}`,
            amount,
            reason: 'cancelled',
            refundedAt: new Date().toISOString(),
          },
          metadata: { correlationId: orderId },
        },
      ],
      existing.length === 0 ? 'no_stream' : existing.length - 1,
    );
  }

  async deliveries(
    subscriptionId: string,
  ): Promise<{ id: string; status: string; attempts: number; last_status: number | null; order_id: string }[]> {
    const { rows } = await this.db.pool.query(
      'SELECT id, status, attempts, last_status, order_id FROM webhook_deliveries WHERE subscription_id = $1 ORDER BY created_at',
      [subscriptionId],
    );
    return rows;
  }

  outcomes(deliveryId: string): Promise<RecordedEvent[]> {
    return this.store.readStream(notificationStreamId(deliveryId));
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.processes.map((process) => process.kill('SIGKILL')));
    await Promise.allSettled(this.notifiers.map((notifier) => notifier.stop()));
    await this.receiver.close();
    await this.api.close();
    await this.stopRelay();
    await this.db.drop().catch(() => undefined);
    await deleteTopicsWithPrefix(this.prefix).catch(() => undefined);
  }
}

import type pg from 'pg';
import type { EventStore } from '../../commands/event-store/event-store.ts';
import type { PaymentService } from '../../commands/payment/payment-service.ts';
import type { Config } from '../../deploy/config.ts';
import { ensureTopics, eventTopicConfig, eventTopics } from '../../deploy/topics.ts';
import type { DomainEvent } from '../../domain/domain-event.ts';
import { createSagaDecider, type SagaDecider } from '../../domain/order-saga/decider.ts';
import type { SagaEventType } from '../../domain/order-saga/events.ts';
import { isObservedDomainEvent, type SagaInput, sagaInputOf } from '../../domain/order-saga/inputs.ts';
import type { SagaOptions } from '../../domain/order-saga/options.ts';
import { isNonEmptyString, isRecord } from '../../domain/validation.ts';
import { log } from '../../platform/logger.ts';
import { topicForAggregate } from '../../schemas/event-catalog.ts';
import type { EventEnvelope } from '../../schemas/kafka-envelope.ts';
import { deadLetterTopic } from '../kafka/dead-letter.ts';
import { EventConsumer } from '../kafka/event-consumer.ts';
import { DeadlinePoller } from './deadline-poller.ts';
import { createStepDispatcher } from './step-dispatcher.ts';
import { feedAndRun, type StepRunnerDependencies } from './step-runner.ts';

type Log = (line: Record<string, unknown>) => void;

const jsonLines: Log = log;

/** The saga's timing and retry policy from the process settings. */
export const sagaOptionsOf = (
  config: Pick<Config, 'sagaPaymentTimeoutMs' | 'sagaMaxAttempts' | 'sagaRetryBaseMs'>,
): Partial<SagaOptions> => ({
  paymentTimeoutMs: config.sagaPaymentTimeoutMs,
  maxAttempts: config.sagaMaxAttempts,
  retryBaseMs: config.sagaRetryBaseMs,
});

/** Consumer groups carry the topic prefix too, so side-by-side environments never share a group. */
export const sagaInputGroupId = (prefix = ''): string => `${prefix}saga`;
export const stepDispatcherGroupId = (prefix = ''): string => `${prefix}saga-steps`;

/** The topics of the domain events the saga observes. */
export const sagaInputTopics = (prefix = ''): string[] =>
  (['order', 'inventory', 'payment'] as const).map((aggregate) => topicForAggregate(aggregate, prefix));

export const sagaEventsTopic = (prefix = ''): string => topicForAggregate('saga', prefix);

/** The event topics and the saga's dead-letter topics (ensureTopics waits until every partition has a leader). */
export const ensureSagaTopics = async (brokers: string[], prefix = ''): Promise<void> => {
  const deadLetters = [sagaInputGroupId(prefix), stepDispatcherGroupId(prefix)].map((groupId) => ({
    name: deadLetterTopic(groupId, prefix),
    config: { ...eventTopicConfig },
  }));
  await ensureTopics(brokers, [...eventTopics(prefix), ...deadLetters]);
};

/** The command id of an observed event: its event id, so a redelivered record is appended once. */
export const inputCommandId = (eventId: string): string => `in:${eventId}`;

/** The saga input a record carries, with its order; undefined for an event the saga does not react to. */
export const sagaInputOfEnvelope = (
  envelope: EventEnvelope,
  now: Date,
): { orderId: string; input: SagaInput } | undefined => {
  const { data } = envelope;
  const event = { type: envelope.type, data } as DomainEvent;
  if (!isObservedDomainEvent(event) || !isRecord(data) || !isNonEmptyString(data.orderId)) return undefined;
  return sagaInputOf(event, {
    commandId: inputCommandId(envelope.eventId),
    now: now.toISOString(),
    correlationId: data.orderId,
    causationId: envelope.eventId,
  });
};

const milestones: ReadonlySet<SagaEventType> = new Set([
  'SagaStarted',
  'SagaCompensationStarted',
  'SagaCompleted',
  'SagaCompensated',
  'SagaStuck',
  'SagaResumed',
]);

/**
 * Feeds every observed domain event to its order's saga and executes the steps it decides, round after round
 * (`feedAndRun`); the consumer commits the offset only afterwards, so a crash redelivers the record and the
 * rounds are run again from what was recorded.
 */
export const createSagaInputHandler =
  (deps: StepRunnerDependencies & { log?: Log }) =>
  async (envelope: EventEnvelope): Promise<void> => {
    const observed = sagaInputOfEnvelope(envelope, (deps.clock ?? (() => new Date()))());
    if (!observed) return;
    const events = await feedAndRun(deps, observed.orderId, observed.input);
    const log = deps.log ?? jsonLines;
    for (const event of events) {
      if (milestones.has(event.type as SagaEventType)) {
        log({ level: 'info', msg: 'saga', orderId: observed.orderId, event: event.type, cause: envelope.type });
      }
    }
  };

export interface SagaRuntimeOptions {
  store: EventStore;
  /** For `saga_deadlines`; its search_path names the schema. */
  pool: pg.Pool;
  payments: PaymentService;
  brokers: string[];
  topicPrefix?: string;
  sagaOptions?: Partial<SagaOptions>;
  deadlinePollMs?: number;
  /** Attempts of every append on a version conflict. */
  commandRetries?: number;
  clock?: () => Date;
  log?: Log;
  /** Called once a record was handled, before its offset is committed (tests wait on it; metrics could). */
  onHandled?: (consumer: 'inputs' | 'steps', envelope: EventEnvelope) => void;
}

const observed =
  (handle: (envelope: EventEnvelope) => Promise<void>, after: (envelope: EventEnvelope) => void) =>
  async (envelope: EventEnvelope): Promise<void> => {
    await handle(envelope);
    after(envelope);
  };

/**
 * The saga's runtime in one process: the input consumer (group `saga`), the step dispatcher (group
 * `saga-steps`) and the deadline poller. Any number of processes can run it side by side: Kafka shares the
 * partitions, PostgreSQL shares the deadlines, and the saga stream's expected version orders the writes.
 */
export class SagaRuntime {
  readonly decider: SagaDecider;
  readonly inputs: EventConsumer;
  readonly steps: EventConsumer;
  private readonly poller: DeadlinePoller;
  private readonly stopPolling = new AbortController();
  private polling: Promise<void> | undefined;

  constructor(private readonly options: SagaRuntimeOptions) {
    const prefix = options.topicPrefix ?? '';
    const log = options.log ?? jsonLines;
    const clock = options.clock ?? (() => new Date());
    this.decider = createSagaDecider(options.sagaOptions ?? {});
    const deps = {
      store: options.store,
      decider: this.decider,
      payments: options.payments,
      ...(options.commandRetries === undefined ? {} : { retries: options.commandRetries }),
      clock,
      log,
    };
    const notify = (consumer: 'inputs' | 'steps') => (envelope: EventEnvelope) =>
      options.onHandled?.(consumer, envelope);
    this.inputs = new EventConsumer({
      brokers: options.brokers,
      groupId: sagaInputGroupId(prefix),
      topicPrefix: prefix,
      topics: sagaInputTopics(prefix),
      handle: observed(createSagaInputHandler(deps), notify('inputs')),
      log,
      clock,
    });
    this.steps = new EventConsumer({
      brokers: options.brokers,
      groupId: stepDispatcherGroupId(prefix),
      topicPrefix: prefix,
      topics: [sagaEventsTopic(prefix)],
      handle: observed(createStepDispatcher({ ...deps, pool: options.pool }), notify('steps')),
      log,
      clock,
    });
    this.poller = new DeadlinePoller({ ...deps, pool: options.pool, pollMs: options.deadlinePollMs ?? 100 });
  }

  async start(): Promise<void> {
    await ensureSagaTopics(this.options.brokers, this.options.topicPrefix ?? '');
    await Promise.all([this.inputs.start(), this.steps.start()]);
    this.polling = this.poller.run(this.stopPolling.signal);
  }

  /** Finishes the records in hand (their offsets are committed) and stops; what follows is redelivered. */
  async stop(): Promise<void> {
    this.stopPolling.abort();
    await Promise.allSettled([this.inputs.stop(), this.steps.stop(), this.polling]);
  }
}

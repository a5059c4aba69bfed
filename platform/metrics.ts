import { Counter, collectDefaultMetrics, Gauge, Histogram, register } from 'prom-client';

/**
 * Every metric the processes export (docs/observability.md lists them; deploy/grafana charts them). They live
 * in prom-client's default registry, so a process exports the ones its code touched, plus the process
 * metrics once `collectProcessMetrics` ran. Components record through the small functions below, so what
 * a metric means is written once.
 */

const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const batchSizeBuckets = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests the APIs answered, by method, route (the pattern, not the URL) and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: latencyBuckets,
});

export const eventsAppended = new Counter({
  name: 'orders_events_appended_total',
  help: 'Events appended to the event store by this process, by event type',
  labelNames: ['type'] as const,
});

export const relayPublished = new Counter({
  name: 'orders_relay_published_total',
  help: 'Events the relay published and Kafka acknowledged (rate: the publish rate)',
});

export const relayLagEvents = new Gauge({
  name: 'orders_relay_lag_events',
  help: 'Events in the store the relay has not published yet (store head minus checkpoint, capped at 1000)',
  async collect() {
    await readRelayLag();
  },
});

export const relayLagSeconds = new Gauge({
  name: 'orders_relay_lag_seconds',
  help: 'How long the oldest event the relay has not published has waited',
  async collect() {
    await readRelayLag();
  },
});

export const consumerLag = new Gauge({
  name: 'orders_consumer_lag_messages',
  help: 'Records behind the partition high watermark after the last batch a consumer group handled',
  labelNames: ['group', 'topic', 'partition'] as const,
});

export const deadLetters = new Counter({
  name: 'orders_dead_letters_total',
  help: 'Records a consumer group (or the relay) parked in its dead-letter topic',
  labelNames: ['group'] as const,
});

export const sagaOutcomes = new Counter({
  name: 'orders_saga_outcomes_total',
  help: 'Sagas that reached an outcome: confirmed, compensated (by reason) or stuck (by step)',
  labelNames: ['outcome', 'reason'] as const,
});

export const sagaStepDuration = new Histogram({
  name: 'orders_saga_step_duration_seconds',
  help: 'Time to execute one saga step attempt, by step command and outcome (ok, transient, failed)',
  labelNames: ['step', 'outcome'] as const,
  buckets: latencyBuckets,
});

const breakerStates = { closed: 0, half_open: 1, open: 2 } as const;
const breakerProbes = new Map<string, () => keyof typeof breakerStates>();

export const breakerState = new Gauge({
  name: 'orders_circuit_breaker_state',
  help: 'State of a circuit breaker: 0 closed, 1 half-open, 2 open',
  labelNames: ['breaker'] as const,
  collect() {
    for (const [breaker, state] of breakerProbes) this.set({ breaker }, breakerStates[state()]);
  },
});

export const projectorBatchSize = new Histogram({
  name: 'orders_projector_batch_size',
  help: 'Records in one batch a projector applied, by consumer group',
  labelNames: ['group'] as const,
  buckets: batchSizeBuckets,
});

export const projectorBatchDuration = new Histogram({
  name: 'orders_projector_batch_duration_seconds',
  help: 'Time to apply one batch (retries included), by consumer group',
  labelNames: ['group'] as const,
  buckets: latencyBuckets,
});

/** `text/plain; version=0.0.4`: the Prometheus text format. */
export const metricsContentType = register.contentType;

let processMetrics = false;
/** CPU, memory, event loop lag, GC and handles of this process (prom-client's default metrics), once. */
export const collectProcessMetrics = (): void => {
  if (processMetrics) return;
  processMetrics = true;
  collectDefaultMetrics();
};

/** The Prometheus text of every metric of this process. */
export const metricsText = (): Promise<string> => register.metrics();

type RelayLagProbe = () => Promise<{ events: number; seconds: number }>;
let relayLagProbe: RelayLagProbe | undefined;
let relayLagRead: Promise<void> | undefined;

/** The relay's lag is read from the store at scrape time (not from the relay: a stuck relay shows). */
export const watchRelayLag = (probe: RelayLagProbe): void => {
  relayLagProbe = probe;
};

// Both lag gauges are collected in one scrape: one read of the store serves them.
const readRelayLag = (): Promise<void> => {
  const probe = relayLagProbe;
  if (!probe) return Promise.resolve();
  relayLagRead ??= probe()
    .then(
      (lag) => {
        relayLagEvents.set(lag.events);
        relayLagSeconds.set(lag.seconds);
      },
      () => undefined,
    )
    .finally(() => {
      relayLagRead = undefined;
    });
  return relayLagRead;
};

/** Reports a breaker's state at each scrape; a breaker of the same name replaces the previous one. */
export const watchBreaker = (breaker: string, state: () => keyof typeof breakerStates): void => {
  breakerProbes.set(breaker, state);
};

/**
 * Counts events as they are appended (the command handler calls it once per append, never for a repeated
 * command), and among them the sagas' outcomes: `confirmed`; `compensated` by the compensation's reason
 * (counted when compensation starts: the moment the order's fate is decided); `stuck` by the kind of step
 * (`reserve`, `payment`, ... without the SKU, so the label stays small).
 */
export const recordAppended = (events: readonly { type: string; data: unknown }[]): void => {
  for (const { type, data } of events) {
    eventsAppended.inc({ type });
    const fields = (data ?? {}) as { reason?: unknown; step?: unknown };
    if (type === 'SagaCompleted') sagaOutcomes.inc({ outcome: 'confirmed', reason: 'none' });
    else if (type === 'SagaCompensationStarted') {
      sagaOutcomes.inc({ outcome: 'compensated', reason: String(fields.reason ?? 'unknown') });
    } else if (type === 'SagaStuck') {
      sagaOutcomes.inc({ outcome: 'stuck', reason: String(fields.step ?? 'unknown').split(':')[0] || 'unknown' });
    }
  }
};

export const recordConsumerLag = (group: string, topic: string, partition: number, lag: string | number): void => {
  consumerLag.set({ group, topic, partition: String(partition) }, Math.max(0, Number(lag)));
};

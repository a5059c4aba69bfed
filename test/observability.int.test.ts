import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../deploy/config.ts';
import { services } from '../deploy/services.ts';
import { uniqueName } from './support/names.ts';
import { type ReceivedSpan, startOtlpReceiver } from './support/otlp-receiver.ts';
import { type RunningPipeline, startPipeline } from './support/pipeline.ts';
import { waitFor } from './support/wait.ts';

const deployFile = (path: string) => readFileSync(new URL(`../deploy/observability/${path}`, import.meta.url), 'utf8');

/** One sample of the Prometheus text format: `name{label="value",...} value`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const samplesOf = (text: string): Sample[] =>
  text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
      const labels = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
      );
      return { name: match[1]!, labels, value: Number(match[3]) };
    });

const sumOf = (text: string, name: string, labels: Record<string, string> = {}): number =>
  samplesOf(text)
    .filter((sample) => sample.name === name)
    .filter((sample) => Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((sum, sample) => sum + sample.value, 0);

const hasSample = (text: string, name: string, labels: Record<string, string> = {}): boolean =>
  samplesOf(text).some(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );

const promqlWords = new Set([
  'sum',
  'max',
  'min',
  'avg',
  'count',
  'by',
  'without',
  'rate',
  'irate',
  'increase',
  'histogram_quantile',
  'le',
]);

/** The metric names a PromQL expression reads: what is left once labels, ranges, numbers and functions are gone. */
const metricNamesOf = (expr: string): string[] =>
  [
    ...expr
      .replace(/\{[^}]*\}/g, ' ')
      .replace(/\[[^\]]*\]/g, ' ')
      .replace(/\b(by|without)\s*\([^)]*\)/g, ' ')
      .matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g),
  ]
    .map((match) => match[0])
    .filter((word) => !promqlWords.has(word));

/** The name a histogram's or summary's series are exported under (`x_bucket` -> `x`). */
const familyOf = (name: string, exported: string): string | undefined =>
  [name, name.replace(/_(bucket|sum|count)$/, '')].find((candidate) =>
    exported.split('\n').some((line) => line.startsWith(`# HELP ${candidate} `)),
  );

const post = async (url: string, body: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (response.status >= 300) throw new Error(`POST ${url}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
};

// The caller's trace: the order's spans must continue it.
const callerTraceId = randomBytes(16).toString('hex');
const callerSpanId = randomBytes(8).toString('hex');

const observed = suite('metrics, logs and traces of the running system', {
  pipeline: undefined as unknown as RunningPipeline,
  receiver: undefined as unknown as Awaited<ReturnType<typeof startOtlpReceiver>>,
  orderId: '',
  scraped: {} as Record<string, string>,
});

observed.before(async (ctx) => {
  try {
    ctx.receiver = await startOtlpReceiver();
    ctx.pipeline = await startPipeline({
      OTEL_EXPORTER_OTLP_ENDPOINT: ctx.receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    const { commandApiUrl, readApiUrl, metricsUrls } = ctx.pipeline;
    const sku = uniqueName('lamp');
    await post(
      `${commandApiUrl}/inventory`,
      { sku, name: 'Lamp', unitPrice: 2000, initialStock: 5 },
      ctx.pipeline.operator,
    );
    const { orderId } = (await post(
      `${commandApiUrl}/orders`,
      {
        customerId: 'c-metrics',
        items: [{ sku, quantity: 1 }],
        payment: [{ method: 'card', amount: 2000, token: 'tok_ok' }],
      },
      { ...ctx.pipeline.operator, traceparent: `00-${callerTraceId}-${callerSpanId}-01` },
    )) as { orderId: string };
    ctx.orderId = orderId;
    await waitFor(
      async () => {
        const response = await fetch(`${readApiUrl}/orders/${orderId}`, { headers: ctx.pipeline.operator });
        return response.ok && ((await response.json()) as { status: string }).status === 'confirmed';
      },
      { timeoutMs: 90_000, intervalMs: 200, what: `order ${orderId} to be confirmed` },
    );
    // Like /health, /metrics needs no token: the scraper has none.
    const scrape = async (url: string) => {
      const response = await fetch(`${url}/metrics`);
      assert.is(response.status, 200, url);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
      return response.text();
    };
    // The projectors' batch of the final event may still be in flight when the read model shows it.
    await waitFor(async () => sumOf(await scrape(metricsUrls.projectors), 'orders_projector_batch_size_count') > 0, {
      timeoutMs: 60_000,
      what: 'a projector batch to be counted',
    });
    ctx.scraped = {
      'command-api': await scrape(commandApiUrl),
      'read-api': await scrape(readApiUrl),
      relay: await scrape(metricsUrls.relay),
      saga: await scrape(metricsUrls.saga),
      projectors: await scrape(metricsUrls.projectors),
    };
  } catch (error) {
    // uvu drops an error thrown by a hook without a word; say why every test is about to fail.
    console.error(`the observability test could not start: ${(error as Error).stack ?? error}`);
    if (ctx.pipeline) console.error(ctx.pipeline.output());
    throw error;
  }
});

observed.after(async (ctx) => {
  await ctx.pipeline?.stop();
  await ctx.receiver?.close();
});

observed('the key metrics moved when an order flowed through every process', ({ scraped }) => {
  const api = scraped['command-api']!;
  assert.ok(
    sumOf(api, 'http_request_duration_seconds_count', { method: 'POST', route: '/orders', status: '202' }) >= 1,
  );
  assert.ok(sumOf(api, 'orders_events_appended_total', { type: 'OrderPlaced' }) >= 1);
  assert.ok(sumOf(scraped['read-api']!, 'http_request_duration_seconds_count', { route: '/orders/:id' }) >= 1);
  assert.ok(sumOf(scraped.relay!, 'orders_relay_published_total') >= 3, 'inventory, order and saga events published');
  assert.ok(hasSample(scraped.relay!, 'orders_relay_lag_events'));
  const saga = scraped.saga!;
  assert.ok(sumOf(saga, 'orders_saga_outcomes_total', { outcome: 'confirmed' }) >= 1);
  assert.ok(sumOf(saga, 'orders_saga_step_duration_seconds_count', { outcome: 'ok' }) >= 2, 'reserve and pay');
  assert.ok(sumOf(saga, 'orders_events_appended_total', { type: 'SagaCompleted' }) >= 1);
  assert.ok(hasSample(saga, 'orders_circuit_breaker_state', { breaker: 'payment-gateway' }));
  assert.is(sumOf(saga, 'orders_circuit_breaker_state', { breaker: 'payment-gateway' }), 0, 'closed');
  assert.ok(hasSample(saga, 'orders_consumer_lag_messages'));
  const projectors = scraped.projectors!;
  assert.ok(sumOf(projectors, 'orders_projector_batch_size_count') >= 1);
  assert.ok(sumOf(projectors, 'orders_projector_batch_duration_seconds_count') >= 1);
  assert.ok(hasSample(projectors, 'orders_consumer_lag_messages'));
  for (const [service, text] of Object.entries(scraped)) {
    assert.ok(sumOf(text, 'process_cpu_seconds_total') > 0, `${service} exports process metrics`);
  }
});

observed('every metric the Grafana dashboard charts is exported by a process Prometheus scrapes', ({ scraped }) => {
  const dashboard = JSON.parse(deployFile('grafana/dashboards/order-backend.json')) as {
    panels: { title: string; targets: { expr: string }[] }[];
  };
  const exported = Object.values(scraped).join('\n');
  const charted = dashboard.panels.flatMap((panel) => panel.targets.flatMap((target) => metricNamesOf(target.expr)));
  assert.ok(charted.length >= 15, charted.join(', '));
  const missing = charted.filter((name) => familyOf(name, exported) === undefined);
  assert.equal(missing, [], `charted but exported by no process: ${missing.join(', ')}`);
  assert.ok(
    metricNamesOf('sum by (le) (rate(nope_total[1m]))').every((name) => familyOf(name, exported) === undefined),
  );
});

observed('Prometheus scrapes every service of the system on the port it serves /metrics on', () => {
  const config = deployFile('prometheus.yml');
  const jobs = new Map(
    [...config.matchAll(/job_name:\s*(\S+)\s+static_configs:\s+- targets:\s*\["([^"]+)"\]/g)].map((match) => [
      match[1]!,
      match[2]!,
    ]),
  );
  const saved = { ...process.env };
  for (const name of [
    'COMMAND_API_PORT',
    'READ_API_PORT',
    'METRICS_PORT_RELAY',
    'METRICS_PORT_SAGA',
    'METRICS_PORT_PROJECTORS',
    'METRICS_PORT_NOTIFIER',
  ]) {
    delete process.env[name];
  }
  const defaults = loadConfig();
  process.env = saved;
  const ports: Record<string, number> = {
    'command-api': defaults.commandApiPort,
    'read-api': defaults.readApiPort,
    relay: defaults.metricsPorts.relay,
    saga: defaults.metricsPorts.saga,
    projectors: defaults.metricsPorts.projectors,
    notifier: defaults.metricsPorts.notifier,
  };
  // A new service needs a scrape job (and its metrics port here and in docs/observability.md).
  assert.equal(
    [...jobs.keys()].sort(),
    services.map((service) => service.name).sort(),
    'every service of deploy/services.ts has a job in deploy/observability/prometheus.yml',
  );
  for (const [job, target] of jobs) assert.is(target, `${job}:${ports[job]}`, job);
});

observed('every line each process wrote is JSON of the one log shape', ({ pipeline }) => {
  const names: Record<string, string> = {
    projectors: 'projectors',
    relay: 'relay',
    saga: 'saga',
    commandApi: 'command-api',
    readApi: 'read-api',
  };
  const sections = pipeline.output().split(/^--- /m).filter(Boolean);
  assert.is(sections.length, 5, pipeline.output());
  for (const section of sections) {
    const [name, ...lines] = section.split('\n');
    // The output kept is the tail of each process's: its first line may be cut.
    for (const line of lines.slice(1).filter((text) => text !== '')) {
      let record: Record<string, unknown> = {};
      try {
        record = JSON.parse(line);
      } catch {
        assert.unreachable(`${name} wrote a line that is not JSON: ${line}`);
      }
      assert.is(record.service, names[name!], line);
      assert.type(record.msg, 'string', line);
      assert.type(record.level, 'string', line);
      assert.type(record.time, 'string', line);
    }
  }
});

const [server, producer, consumer] = [2, 4, 5];

observed(
  'one trace follows the order: request, append, relay publish, saga, step commands, projector writes',
  async ({ receiver, orderId }) => {
    const spansOfOrder = () => receiver.spans().filter((span) => span.traceId === callerTraceId);
    const byId = () => new Map(spansOfOrder().map((span) => [span.spanId, span]));
    const ancestors = (span: ReceivedSpan): ReceivedSpan[] => {
      const spans = byId();
      const chain: ReceivedSpan[] = [];
      for (let parent = spans.get(span.parentSpanId ?? ''); parent; parent = spans.get(parent.parentSpanId ?? '')) {
        chain.push(parent);
      }
      return chain;
    };
    const confirmStep = () =>
      spansOfOrder().find((span) => span.service === 'saga' && span.name === 'command ConfirmOrder');
    const projectorWrite = () =>
      spansOfOrder().find(
        (span) =>
          span.service === 'projectors' &&
          span.kind === consumer &&
          ancestors(span).some((parent) => parent.name === 'command ConfirmOrder'),
      );
    // Spans are exported in batches every 100 ms; the projectors write the confirmation last.
    await waitFor(() => confirmStep() && projectorWrite(), { timeoutMs: 60_000, what: 'the spans of the whole order' });

    const spans = byId();
    const one = (service: string, name: string) => {
      const found = spansOfOrder().filter((span) => span.service === service && span.name === name);
      assert.ok(
        found.length >= 1,
        `${service}: ${name} in ${spansOfOrder()
          .map((span) => `${span.service}:${span.name}`)
          .join(', ')}`,
      );
      return found[0]!;
    };
    const request = one('command-api', 'POST /orders');
    assert.is(request.kind, server);
    assert.is(request.parentSpanId, callerSpanId, "the request continues the caller's trace");
    const place = one('command-api', 'command PlaceOrder');
    assert.is(place.parentSpanId, request.spanId);
    const append = one('command-api', `append order-${orderId}`);
    assert.is(append.parentSpanId, place.spanId);

    const published = spansOfOrder().filter((span) => span.service === 'relay' && span.parentSpanId === append.spanId);
    assert.ok(published.length >= 1, 'the relay publishes the appended events as children of the append');
    assert.ok(published.every((span) => span.kind === producer));

    const sagaHandles = spansOfOrder().filter(
      (span) =>
        span.service === 'saga' && span.kind === consumer && published.some((p) => p.spanId === span.parentSpanId),
    );
    assert.ok(
      sagaHandles.some((span) => span.name.endsWith('handle OrderPlaced')),
      'the saga handles OrderPlaced in the trace',
    );

    const confirm = confirmStep()!;
    const confirmChain = ancestors(confirm);
    assert.ok(
      confirmChain.some((span) => span.service === 'saga' && span.kind === consumer),
      'a step runs while the saga handles a record',
    );
    assert.ok(
      confirmChain.some((span) => span.service === 'relay'),
      'through the relay',
    );
    assert.ok(confirmChain.includes(request), 'back to the request');
    const reserve = spansOfOrder().find((span) => span.service === 'saga' && span.name === 'command ReserveStock');
    assert.ok(reserve && ancestors(reserve).includes(request), 'the reservation step is in the trace too');

    const write = projectorWrite()!;
    assert.ok(spans.get(write.parentSpanId ?? '')?.service === 'relay', 'a projector write is the child of a publish');
    assert.ok(ancestors(write).includes(request));

    for (const span of spansOfOrder()) {
      if (span === request) continue;
      assert.ok(spans.has(span.parentSpanId ?? ''), `${span.service}: ${span.name} hangs off a span of the same trace`);
    }
  },
);

observed.run();

import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  activeTraceparent,
  inSpan,
  SpanKind,
  startRecordSpans,
  startTracing,
  stopTracing,
  tracingEnabled,
} from './tracing.ts';

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const callerSpan = '00f067aa0ba902b7';
const caller = `00-${traceId}-${callerSpan}-01`;
const exporter = new InMemorySpanExporter();
const processor = new SimpleSpanProcessor(exporter);
/** Exports wait for the resource's attributes (detected asynchronously). */
const finished = async () => {
  await processor.forceFlush();
  return exporter.getFinishedSpans();
};

test('off without OTEL_EXPORTER_OTLP_ENDPOINT: work runs as it is, nothing is stamped or rewritten', async () => {
  startTracing('test', { env: {} });
  assert.is(tracingEnabled(), false);
  const seen = await inSpan('unused', {}, async (span) => ({ span, traceparent: activeTraceparent() }));
  assert.equal(seen, { span: undefined, traceparent: undefined });
  const spans = startRecordSpans('publish', SpanKind.PRODUCER, [caller, undefined]);
  assert.is(spans.traceparent(0), caller);
  assert.is(spans.traceparent(1), undefined);
});

test('on: nested spans link to their parents, and what they stamp names the active span', async () => {
  startTracing('test', { env: {}, spanProcessors: [processor] });
  assert.is(tracingEnabled(), true);
  let stamped: string | undefined;
  await inSpan('command PlaceOrder', {}, () =>
    inSpan('append order-1', {}, async () => {
      stamped = activeTraceparent();
    }),
  );
  const [append, command] = await finished();
  assert.is(append?.name, 'append order-1');
  assert.is(command?.name, 'command PlaceOrder');
  assert.is(append?.parentSpanContext?.spanId, command?.spanContext().spanId);
  assert.is(stamped, `00-${append?.spanContext().traceId}-${append?.spanContext().spanId}-01`);
});

test("on: a record's span continues the trace its traceparent names; a failure marks it", async () => {
  exporter.reset();
  const spans = startRecordSpans('relay publish', SpanKind.PRODUCER, [caller, undefined]);
  const sent = spans.traceparent(0);
  spans.end(new Error('broker away'));
  const [first, second] = await finished();
  assert.is(first?.spanContext().traceId, traceId);
  assert.is(first?.parentSpanContext?.spanId, callerSpan);
  assert.is(sent, `00-${traceId}-${first?.spanContext().spanId}-01`);
  assert.is(first?.status.code, 2, 'error');
  assert.ok(second?.spanContext().traceId !== traceId, 'a record without a traceparent starts a trace of its own');
  assert.is(second?.parentSpanContext, undefined);
});

test('on: a rejected span is marked failed and the rejection passes through', async () => {
  exporter.reset();
  const failed = await inSpan('command CancelOrder', {}, async () => {
    throw new Error('order_confirmed');
  }).catch((error: Error) => error.message);
  assert.is(failed, 'order_confirmed');
  assert.is((await finished())[0]?.status.code, 2);
  await stopTracing();
  assert.is(tracingEnabled(), false);
});

test.run();

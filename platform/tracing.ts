import {
  type Attributes,
  type Context,
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * OpenTelemetry traces, on only when `OTEL_EXPORTER_OTLP_ENDPOINT` (or `..._TRACES_ENDPOINT`) is set. Off, every
 * helper below calls straight through: no span objects, no context switches, no header parsing.
 * One trace follows an order: the W3C `traceparent` travels in each event's metadata and Kafka headers.
 */

let enabled = false;
let sdk: NodeSDK | undefined;

export const tracingEnabled = (): boolean => enabled;

/**
 * Starts the SDK for this process (`service.name` = `service`) with the OTLP/HTTP exporter, or with the given
 * span processors (tests: an in-memory exporter). Nothing happens without either.
 */
export const startTracing = (
  service: string,
  { env = process.env, spanProcessors }: { env?: NodeJS.ProcessEnv; spanProcessors?: SpanProcessor[] } = {},
): void => {
  if (enabled) return;
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (!spanProcessors && !endpoint) return;
  sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME || service,
    ...(spanProcessors ? { spanProcessors } : { traceExporter: new OTLPTraceExporter() }),
    instrumentations: [],
  });
  sdk.start();
  enabled = true;
};

/** Sends what is still buffered and stops (on a clean stop; a crash loses the last batch). */
export const stopTracing = async (): Promise<void> => {
  const running = sdk;
  sdk = undefined;
  enabled = false;
  await running?.shutdown().catch(() => undefined);
};

const tracer = () => trace.getTracer('order-backend');

/** The context a W3C `traceparent` (an event's, a request's) names; the empty context without a valid one. */
export const contextOf = (traceparent: string | undefined): Context =>
  traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;

/** The `traceparent` of the active span, to stamp on what it writes; undefined when there is none. */
export const activeTraceparent = (): string | undefined => {
  if (!enabled) return undefined;
  const span = trace.getActiveSpan();
  return span ? traceparentOf(span) : undefined;
};

const traceparentOf = (span: Span): string | undefined => {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return isSpanContextValid(span.spanContext())
    ? `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`
    : undefined;
};

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** The parent; the active context by default. */
  parent?: Context;
}

/** Runs `work` inside a new active span (a child of `parent`), ended when it settles; a rejection marks it failed. */
export const inSpan = <T>(name: string, options: SpanOptions, work: (span?: Span) => Promise<T>): Promise<T> => {
  if (!enabled) return work();
  return tracer().startActiveSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, ...(options.attributes ? { attributes: options.attributes } : {}) },
    options.parent ?? context.active(),
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
};

/** A span per record handed over together (a relay batch, a projector batch), each the child of its record's trace. */
export interface RecordSpans {
  /** The `traceparent` of the record's span (to send on), or the one it had. */
  traceparent(index: number): string | undefined;
  end(error?: unknown): void;
}

export const startRecordSpans = (
  name: string,
  kind: SpanKind,
  traceparents: readonly (string | undefined)[],
  attributes: Attributes = {},
): RecordSpans => {
  if (!enabled) return { traceparent: (index) => traceparents[index], end: () => undefined };
  const spans = traceparents.map((traceparent) =>
    tracer().startSpan(name, { kind, attributes }, contextOf(traceparent)),
  );
  return {
    traceparent: (index) => {
      const span = spans[index];
      return span ? traceparentOf(span) : traceparents[index];
    },
    end: (error) => {
      for (const span of spans) {
        if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
        span.end();
      }
    },
  };
};

export { SpanKind };

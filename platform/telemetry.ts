import type { Logger } from 'pino';
import { startLogging } from './logger.ts';
import { collectProcessMetrics } from './metrics.ts';
import { startTracing, stopTracing } from './tracing.ts';

/**
 * What each service's entry point calls first: its logger named, its process metrics collected, and its
 * traces exported when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (docs/observability.md).
 */
export const startTelemetry = (service: string): Logger => {
  const logger = startLogging(service);
  // Node prints its warnings (deprecations, listener leaks) as plain text on stderr; one shape means through the logger.
  process.removeAllListeners('warning');
  process.on('warning', (warning) => logger.warn({ warning: warning.name, stack: warning.stack }, warning.message));
  collectProcessMetrics();
  startTracing(service);
  return logger;
};

/** On a clean stop: sends the spans still buffered. */
export const stopTelemetry = (): Promise<void> => stopTracing();

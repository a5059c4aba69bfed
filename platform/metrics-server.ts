import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type HealthProbes, healthReport } from './health.ts';
import { log as defaultLog } from './logger.ts';
import { metricsContentType, metricsText } from './metrics.ts';

export interface MetricsServerOptions {
  /** The process (`relay`, `saga`, `projectors`, ...), in log lines. */
  service: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  probes: HealthProbes;
  /** Added to the `/health` body (a relay's lag). */
  details?: () => Promise<Record<string, unknown>>;
  /** More routes by path, each answering a GET (`/health` and `/metrics` are built in). */
  routes?: Record<string, (request: IncomingMessage, response: ServerResponse) => void | Promise<void>>;
  healthTimeoutMs?: number;
  log?: (line: Record<string, unknown>) => void;
}

export interface MetricsServer {
  /** The port it listens on, once listening; undefined when it could not listen. */
  port(): number | undefined;
  close(): Promise<void>;
}

/**
 * The small HTTP server of a worker process (relay, saga, projectors, notifier): `GET /health` like the APIs'
 * (200 or 503 naming the part that is down), plus whatever routes are added. A port it cannot take is
 * logged, not fatal: the worker's work matters more than its window.
 */
export const startMetricsServer = async (options: MetricsServerOptions): Promise<MetricsServer> => {
  const { service, host, probes, details, routes = {}, healthTimeoutMs = 2_000, log = defaultLog } = options;
  const server: Server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    try {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      if (path === '/health') {
        const report = await healthReport(probes, healthTimeoutMs, details);
        response
          .writeHead(report.status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
          .end(JSON.stringify({ service, ...report.body }));
        return;
      }
      if (path === '/metrics') {
        const text = await metricsText();
        response.writeHead(200, { 'content-type': metricsContentType, 'cache-control': 'no-store' }).end(text);
        return;
      }
      const route = routes[path];
      if (route) return await route(request, response);
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"status":404}');
    } catch (error) {
      if (!response.headersSent) response.writeHead(500).end();
      log({ level: 'error', msg: 'metrics server route failed', service, path, error: (error as Error).message });
    }
  });
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', (error) => {
      log({
        level: 'error',
        msg: 'metrics server cannot listen',
        service,
        host,
        port: options.port,
        error: error.message,
      });
      resolve(false);
    });
    server.listen(options.port, host, () => resolve(true));
  });
  const address = server.address();
  const port = listening && typeof address === 'object' && address ? address.port : undefined;
  if (port !== undefined)
    log({ level: 'info', msg: 'metrics server listening', service, url: `http://${host}:${port}` });
  return {
    port: () => port,
    close: () =>
      new Promise<void>((resolve) => {
        if (!listening) return resolve();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

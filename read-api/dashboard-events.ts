import { PassThrough } from 'node:stream';
import type { Context } from 'koa';
import type { ChangeFeed } from './change-feed.ts';

export interface DashboardEventsOptions {
  changes: ChangeFeed;
  /** Change messages arriving within this window reach each client as one `change` event. */
  coalesceMs?: number;
  /** A `refresh` event this often, so a page catches up even if a change message was lost. */
  refreshMs?: number;
  /** A comment line this often, so proxies and the browser keep an idle stream open. */
  heartbeatMs?: number;
}

export interface DashboardEvents {
  /** Turns the request into a `text/event-stream` that lives until the client leaves or `close()`. */
  open(ctx: Context): void;
  clientCount(): number;
  /** Ends every open stream (shutdown). */
  close(): void;
}

/**
 * Server-sent events for the dashboard. The events only say *that* something changed; the page
 * then fetches what it shows through the ordinary query routes, so there is one way to read data.
 * Under load the projectors publish after every batch; coalescing keeps that to a few events a second.
 */
export const dashboardEvents = ({
  changes,
  coalesceMs = 250,
  refreshMs = 5_000,
  heartbeatMs = 15_000,
}: DashboardEventsOptions): DashboardEvents => {
  const clients = new Set<PassThrough>();
  let pendingChanges = 0;
  let flushTimer: NodeJS.Timeout | undefined;
  let timers: NodeJS.Timeout[] = [];
  let stopListening: (() => void) | undefined;

  const broadcast = (frame: string) => {
    for (const client of clients) client.write(frame);
  };
  const flush = () => {
    flushTimer = undefined;
    broadcast(eventFrame('change', { changes: pendingChanges }));
    pendingChanges = 0;
  };
  const onChange = () => {
    pendingChanges += 1;
    flushTimer ??= setTimeout(flush, coalesceMs);
  };

  const start = () => {
    stopListening = changes.onChange(onChange);
    timers = [
      setInterval(() => broadcast(eventFrame('refresh', { at: new Date().toISOString() })), refreshMs),
      setInterval(() => broadcast(': heartbeat\n\n'), heartbeatMs),
    ];
  };
  const stopWhenIdle = () => {
    if (clients.size > 0) return;
    stopListening?.();
    stopListening = undefined;
    for (const timer of timers) clearInterval(timer);
    timers = [];
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = undefined;
    pendingChanges = 0;
  };

  const leave = (client: PassThrough) => {
    if (!clients.delete(client)) return;
    client.end();
    stopWhenIdle();
  };

  return {
    open: (ctx) => {
      const client = new PassThrough();
      if (clients.size === 0) start();
      clients.add(client);
      ctx.req.socket.setTimeout(0);
      ctx.req.socket.setNoDelay(true);
      ctx.req.socket.setKeepAlive(true);
      ctx.status = 200;
      ctx.type = 'text/event-stream';
      ctx.set('Cache-Control', 'no-cache, no-transform');
      ctx.set('Connection', 'keep-alive');
      ctx.set('X-Accel-Buffering', 'no');
      ctx.body = client;
      // `retry` tells the browser how soon to reconnect after the stream drops.
      client.write(`retry: 2000\n${eventFrame('ready', { at: new Date().toISOString() })}`);
      ctx.res.once('close', () => leave(client));
    },
    clientCount: () => clients.size,
    close: () => {
      for (const client of [...clients]) leave(client);
    },
  };
};

const eventFrame = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

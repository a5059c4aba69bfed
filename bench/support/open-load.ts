import { Agent, request } from 'node:http';

export interface OpenLoadOptions {
  ratePerSecond: number;
  durationMs: number;
  /** Requests still unanswered above this are not sent: counted as dropped, never silently queued. */
  maxInFlight?: number;
  /** Builds the i-th request's JSON body and headers. */
  requestFor: (index: number) => { path: string; body: unknown; headers?: Record<string, string> };
  baseUrl: string;
  /** Called with the send time (ms, performance.now) and the answer of every request. */
  onAnswer: (sentAt: number, status: number, body: string) => void;
  /** Called about once a second with the elapsed time and the requests still unanswered. */
  onTick?: (elapsedMs: number, inFlight: number) => void;
}

export interface OpenLoadResult {
  scheduled: number;
  sent: number;
  dropped: number;
  transportErrors: number;
  /** Sends per second actually achieved over the window. */
  achievedRate: number;
}

/**
 * An open-model load generator: request i is due at start + i / rate whatever happened to the
 * earlier ones, so a slow system meets a growing queue instead of a politely slowing client.
 */
export const runOpenLoad = async (options: OpenLoadOptions): Promise<OpenLoadResult> => {
  const agent = new Agent({ keepAlive: true, maxSockets: 128 });
  const url = new URL(options.baseUrl);
  const maxInFlight = options.maxInFlight ?? 20_000;
  const total = Math.round((options.ratePerSecond * options.durationMs) / 1000);
  const started = performance.now();
  let next = 0;
  let inFlight = 0;
  let dropped = 0;
  let transportErrors = 0;
  let lastTick = 0;
  const pending = new Set<Promise<void>>();

  const send = (index: number) => {
    const { path, body, headers } = options.requestFor(index);
    const payload = JSON.stringify(body);
    const sentAt = performance.now();
    inFlight++;
    const done = new Promise<void>((resolve) => {
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => {
            options.onAnswer(sentAt, res.statusCode ?? 0, text);
            resolve();
          });
        },
      );
      req.on('error', () => {
        transportErrors++;
        resolve();
      });
      req.end(payload);
    });
    pending.add(done);
    void done.then(() => {
      inFlight--;
      pending.delete(done);
    });
  };

  while (next < total) {
    const elapsed = performance.now() - started;
    const due = Math.min(total, Math.floor((elapsed * options.ratePerSecond) / 1000) + 1);
    for (; next < due; next++) {
      if (inFlight >= maxInFlight) dropped++;
      else send(next);
    }
    if (elapsed - lastTick >= 1000) {
      lastTick = elapsed;
      options.onTick?.(elapsed, inFlight);
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const windowMs = performance.now() - started;
  await Promise.all(pending);
  agent.destroy();
  return {
    scheduled: total,
    sent: total - dropped,
    dropped,
    transportErrors,
    achievedRate: ((total - dropped) * 1000) / windowMs,
  };
};

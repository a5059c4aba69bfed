import { Agent, request } from 'node:http';

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes on one machine. */
export const epochMs = (): number => performance.timeOrigin + performance.now();

export interface RequestTiming {
  /** When the request was due: start + index / rate. Latency counts from here (no coordinated omission). */
  scheduledAt: number;
  /** When it was written to a socket; later than scheduled when the generator itself falls behind. */
  sentAt: number;
  answeredAt: number;
}

export interface OpenLoadOptions {
  ratePerSecond: number;
  durationMs: number;
  /** Requests still unanswered above this are not sent: counted as dropped, never silently queued. */
  maxInFlight?: number;
  /** Builds the i-th request's JSON body and headers. */
  requestFor: (index: number) => { path: string; body: unknown; headers?: Record<string, string> };
  baseUrl: string;
  /** Kept across calls, so connections stay open from the warm-up into the measured steps. */
  agent?: Agent;
  /** Called with the timing (epoch ms) and the answer of every request. */
  onAnswer: (timing: RequestTiming, status: number, body: string) => void;
}

export interface OpenLoadResult {
  scheduled: number;
  sent: number;
  dropped: number;
  transportErrors: number;
  /** Sends per second actually achieved over the window. */
  achievedRate: number;
  /** The 99th percentile and the maximum of sentAt - scheduledAt: how far the generator fell behind. */
  sendLagP99Ms: number;
  sendLagMaxMs: number;
  /** The epoch ms the first request was due. */
  startedAt: number;
}

/**
 * An open-model load generator: request i is due at start + i / rate whatever happened to the
 * earlier ones, so a slow system meets a growing queue instead of a politely slowing client. Its own
 * delays are visible: every answer carries the scheduled time, and latency is measured from it.
 */
export const runOpenLoad = async (options: OpenLoadOptions): Promise<OpenLoadResult> => {
  const agent = options.agent ?? new Agent({ keepAlive: true, maxSockets: 256 });
  const url = new URL(options.baseUrl);
  const maxInFlight = options.maxInFlight ?? 20_000;
  const total = Math.round((options.ratePerSecond * options.durationMs) / 1000);
  const intervalMs = 1000 / options.ratePerSecond;
  const started = epochMs();
  let next = 0;
  let inFlight = 0;
  let dropped = 0;
  let transportErrors = 0;
  const sendLags: number[] = [];
  const pending = new Set<Promise<void>>();

  const send = (index: number, scheduledAt: number) => {
    const { path, body, headers } = options.requestFor(index);
    const payload = JSON.stringify(body);
    const sentAt = epochMs();
    sendLags.push(sentAt - scheduledAt);
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
            options.onAnswer({ scheduledAt, sentAt, answeredAt: epochMs() }, res.statusCode ?? 0, text);
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
    const elapsed = epochMs() - started;
    const due = Math.min(total, Math.floor(elapsed / intervalMs) + 1);
    for (; next < due; next++) {
      if (inFlight >= maxInFlight) dropped++;
      else send(next, started + next * intervalMs);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const windowMs = epochMs() - started;
  await Promise.all(pending);
  if (!options.agent) agent.destroy();
  sendLags.sort((a, b) => a - b);
  return {
    scheduled: total,
    sent: total - dropped,
    dropped,
    transportErrors,
    achievedRate: ((total - dropped) * 1000) / windowMs,
    sendLagP99Ms: sendLags[Math.floor(0.99 * (sendLags.length - 1))] ?? 0,
    sendLagMaxMs: sendLags.at(-1) ?? 0,
    startedAt: started,
  };
};

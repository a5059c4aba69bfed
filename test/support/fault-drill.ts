/**
 * The whole system under faults: every service under the `npm start` supervisor, pointed at a private stack
 * (test/support/private-stack.ts), an open-loop order load, and the checks every fault test makes: each
 * accepted order settles, and `ops verify` finds no difference.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { Supervisor } from '../../deploy/supervisor.ts';
import { freePort, type PrivateStack } from './private-stack.ts';
import { testTokens } from './tokens.ts';
import { waitFor } from './wait.ts';

const root = new URL('../..', import.meta.url).pathname;

/** The services `npm start` runs (deploy/services.ts), by the names its supervisor gives them. */
const services = [
  { name: 'command-api', entry: 'commands/main.ts' },
  { name: 'relay', entry: 'commands/relay/main.ts' },
  { name: 'saga', entry: 'projections/saga/main.ts' },
  { name: 'projectors', entry: 'projections/main.ts' },
  { name: 'read-api', entry: 'read-api/main.ts' },
];

export interface RunningSystem {
  commandApiUrl: string;
  readApiUrl: string;
  healthUrls: Record<string, string>;
  supervisor: Supervisor;
  /** The read models and the store, in the private PostgreSQL. */
  pool: pg.Pool;
  env: NodeJS.ProcessEnv;
  /** `{ authorization: 'Bearer …' }` of an operator, signed with the system's own key. */
  operator: Record<string, string>;
  /** The supervisor's lines and the last lines of each service, for a failure message. */
  output(): string;
  stop(): Promise<void>;
}

const answers = async (url: string) => {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
};

export const startSystem = async (stack: PrivateStack, extraEnv: NodeJS.ProcessEnv = {}): Promise<RunningSystem> => {
  const ports = {
    commandApi: await freePort(),
    readApi: await freePort(),
    relay: await freePort(),
    saga: await freePort(),
    projectors: await freePort(),
  };
  const tokens = testTokens();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...stack.env,
    AUTH_JWT_SECRET: tokens.secretText,
    AUTH_JWKS_URL: '',
    DATA_KEY: randomBytes(32).toString('hex'),
    PGOPTIONS: '',
    KAFKA_TOPIC_PREFIX: '',
    REDIS_KEY_PREFIX: 'orders:',
    COMMAND_API_PORT: String(ports.commandApi),
    READ_API_PORT: String(ports.readApi),
    READ_API_URL: `http://127.0.0.1:${ports.readApi}`,
    METRICS_PORT_RELAY: String(ports.relay),
    METRICS_PORT_SAGA: String(ports.saga),
    METRICS_PORT_PROJECTORS: String(ports.projectors),
    NO_COLOR: '1',
    ...extraEnv,
  };
  const logs = new Map<string, string>();
  const keep = (name: string, line: string) => logs.set(name, `${logs.get(name) ?? ''}${line}\n`.slice(-6_000));
  const supervisor = new Supervisor({
    log: (line) => keep('supervisor', line),
    output: (name, line) => keep(name, line),
  });
  for (const service of services) {
    supervisor.start({
      name: service.name,
      command: process.execPath,
      args: ['--import', 'tsx', service.entry],
      cwd: root,
      env,
    });
  }
  const pool = new pg.Pool({ connectionString: stack.env.DATABASE_URL, max: 4 });
  pool.on('error', () => undefined);
  const base = (port: number) => `http://127.0.0.1:${port}`;
  const healthUrls = {
    'command-api': `${base(ports.commandApi)}/health`,
    'read-api': `${base(ports.readApi)}/health`,
    relay: `${base(ports.relay)}/health`,
    saga: `${base(ports.saga)}/health`,
    projectors: `${base(ports.projectors)}/health`,
  };
  const output = () => [...logs].map(([name, text]) => `--- ${name}\n${text.trimEnd()}`).join('\n');
  const system: RunningSystem = {
    commandApiUrl: base(ports.commandApi),
    readApiUrl: base(ports.readApi),
    healthUrls,
    supervisor,
    pool,
    env,
    operator: await tokens.bearer('operator', 'fault-drill'),
    output,
    stop: async () => {
      await supervisor.stop();
      await pool.end();
    },
  };
  try {
    await waitFor(async () => (await Promise.all(Object.values(healthUrls).map(answers))).every(Boolean), {
      what: 'every service to answer /health with 200',
      timeoutMs: 180_000,
      intervalMs: 500,
    });
    return system;
  } catch (error) {
    const message = `${(error as Error).message}\n${output()}`;
    await system.stop();
    throw new Error(message);
  }
};

export interface Load {
  /** Order ids the command API accepted (202). */
  accepted: string[];
  /** Answers by status (`503`, `500`, ...) and `refused` for a connection that failed. */
  refusals: Map<string, number>;
  /** Whether every 503 carried `Retry-After`. */
  retryAfterAlways: boolean;
  done: Promise<void>;
}

/** SKUs with stock enough for any drill. */
export const seedSkus = async (system: RunningSystem, count = 5): Promise<string[]> => {
  const skus = Array.from({ length: count }, () => `sku-${randomUUID().slice(0, 8)}`);
  for (const sku of skus) {
    const response = await fetch(`${system.commandApiUrl}/inventory`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...system.operator },
      body: JSON.stringify({ sku, name: sku, unitPrice: 100, initialStock: 100_000 }),
    });
    if (response.status !== 201) throw new Error(`POST /inventory answered ${response.status}`);
  }
  return skus;
};

/**
 * Orders at a steady rate for `durationMs`, whatever the answers (an open loop: a slow or refusing system does
 * not slow the load). Each request gives up after 10 s.
 */
export const startLoad = (
  system: RunningSystem,
  skus: string[],
  { ratePerSecond = 20, durationMs = 15_000, token = 'tok_ok' } = {},
): Load => {
  const load: Load = { accepted: [], refusals: new Map(), retryAfterAlways: true, done: Promise.resolve() };
  const refuse = (why: string) => load.refusals.set(why, (load.refusals.get(why) ?? 0) + 1);
  const placeOne = async (index: number) => {
    try {
      const response = await fetch(`${system.commandApiUrl}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...system.operator },
        body: JSON.stringify({
          customerId: `c-${index % 50}`,
          items: [{ sku: skus[index % skus.length], quantity: 1 }],
          payment: [{ method: 'card', amount: 100, token }],
        }),
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await response.json().catch(() => ({}))) as { orderId?: string };
      if (response.status === 202 && body.orderId) load.accepted.push(body.orderId);
      else {
        refuse(String(response.status));
        if (response.status === 503 && !response.headers.get('retry-after')) load.retryAfterAlways = false;
      }
    } catch {
      refuse('refused');
    }
  };
  load.done = (async () => {
    const started = Date.now();
    const inFlight: Promise<void>[] = [];
    for (let index = 0; Date.now() - started < durationMs; index++) {
      inFlight.push(placeOne(index));
      const next = started + ((index + 1) * 1000) / ratePerSecond;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
    }
    await Promise.all(inFlight);
  })();
  return load;
};

/** Resolves once every order is confirmed or cancelled in the orders read model; fails after `timeoutMs`. */
export const waitForSettled = async (system: RunningSystem, orderIds: string[], timeoutMs: number): Promise<number> => {
  const started = Date.now();
  await waitFor(
    async () => {
      const { rows } = await system.pool.query<{ settled: string }>(
        "SELECT count(*) AS settled FROM read_orders WHERE order_id = ANY($1) AND status IN ('confirmed', 'cancelled')",
        [orderIds],
      );
      return Number(rows[0]?.settled) === orderIds.length;
    },
    { what: `all ${orderIds.length} accepted orders to settle`, timeoutMs, intervalMs: 250 },
  ).catch(async (error: Error) => {
    const { rows } = await system.pool
      .query('SELECT status, count(*) FROM read_orders WHERE order_id = ANY($1) GROUP BY status', [orderIds])
      .catch(() => ({ rows: [] }));
    throw new Error(`${error.message}; read_orders: ${JSON.stringify(rows)}\n${system.output()}`);
  });
  return Date.now() - started;
};

/** `npm run ops -- verify --json` against the system; resolves with its exit code and report. */
export const runVerify = (system: RunningSystem, settleSeconds = 20) =>
  new Promise<{ code: number | null; report: { ok: boolean; differences: unknown[] }; stderr: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'cli/main.ts', 'verify', '--json', '--settle', String(settleSeconds)],
      { cwd: root, env: system.env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code) => {
      let report = { ok: false, differences: [] as unknown[] };
      try {
        report = JSON.parse(stdout);
      } catch {
        stderr += `\nstdout was not JSON: ${stdout.slice(0, 2_000)}`;
      }
      resolve({ code, report, stderr });
    });
  });

/** The status of one service's /health: 200, 503, or 0 when it does not answer. */
export const healthStatus = async (url: string): Promise<number> => {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(3_000) })).status;
  } catch {
    return 0;
  }
};

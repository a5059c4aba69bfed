/**
 * Fault drills of docs/operations.md ("Faults"), against a private PostgreSQL, Redis and Kafka broker of this
 * file's own: each is restarted (or killed) under 20 orders/s while every service runs under the `npm start`
 * supervisor. Each drill asserts that the APIs answered 503 + Retry-After rather than 500 or a hang, that
 * /health named the dependency while it was away and is 200 after, that no service had to be restarted, that
 * every accepted order settles within 30 s after the fault ends, and that `ops verify` finds no difference.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  healthStatus,
  type RunningSystem,
  runVerify,
  seedSkus,
  startLoad,
  startSystem,
  waitForSettled,
} from '../support/fault-drill.ts';
import { type PrivateStack, startPrivateStack } from '../support/private-stack.ts';
import { waitFor } from '../support/wait.ts';

const context = {
  stack: undefined as unknown as PrivateStack,
  system: undefined as unknown as RunningSystem,
  skus: [] as string[],
};
const test = suite('dependency faults under load', context);
/**
 * Opt-in (`FAULT_DRILLS=1`) until they fit the suite's budget: on a loaded 2-core machine a private Kafka
 * broker alone takes minutes to start and a backlog does not settle within 30 s (docs/operations.md).
 */
const enabled = process.env.FAULT_DRILLS === '1';
const drillTest = enabled ? test : test.skip;

test.before(async (ctx) => {
  if (!enabled) return;
  try {
    const started = Date.now();
    ctx.stack = await startPrivateStack();
    note(`private stack up in ${Date.now() - started} ms`);
    ctx.system = await startSystem(ctx.stack);
    note(`services up in ${Date.now() - started} ms`);
    ctx.skus = await seedSkus(ctx.system);
  } catch (error) {
    console.error(`the fault drills could not start: ${(error as Error).stack ?? error}`);
    throw error;
  }
});

test.after(async ({ system, stack }) => {
  await system?.stop();
  await stack?.stop();
});

const settleBudgetMs = 30_000;

/** Progress on stderr: a drill that runs out of time says how far it got. */
const note = (line: string) => process.stderr.write(`[faults ${new Date().toISOString()}] ${line}\n`);

/** The drill every fault shares: load, fault, recovery, then the checks. */
const drill = async (
  { system, skus }: typeof context,
  fault: () => Promise<void>,
): Promise<{ accepted: number; refusals: Map<string, number> }> => {
  const restartsBefore = Object.fromEntries(
    ['command-api', 'relay', 'saga', 'projectors', 'read-api'].map((name) => [
      name,
      system.supervisor.restartsOf(name),
    ]),
  );
  const load = startLoad(system, skus, { ratePerSecond: 20, durationMs: 10_000 });
  await waitFor(() => load.accepted.length >= 20, { what: 'the load to be flowing', timeoutMs: 30_000 });
  note('fault starts');
  await fault();
  const faultEndedAt = Date.now();
  note('fault over');
  await load.done;
  assert.ok(load.accepted.length > 0);
  assert.not.ok(load.refusals.has('500'), `no 500 under a fault: ${JSON.stringify([...load.refusals])}`);
  assert.ok(load.retryAfterAlways, 'every 503 carries Retry-After');
  const settledIn = await waitForSettled(system, load.accepted, faultEndedAt + settleBudgetMs - Date.now());
  note(
    `${load.accepted.length} accepted orders settled ${Date.now() - faultEndedAt} ms after the fault (${settledIn} ms after the load)`,
  );
  for (const [name, url] of Object.entries(system.healthUrls)) {
    await waitFor(async () => (await healthStatus(url)) === 200, {
      what: `${name} /health 200 again`,
      timeoutMs: 30_000,
    });
  }
  const verify = await runVerify(system);
  assert.is(
    verify.code,
    0,
    `ops verify: ${JSON.stringify(verify.report.differences).slice(0, 3_000)} ${verify.stderr}`,
  );
  for (const [name, before] of Object.entries(restartsBefore)) {
    assert.is(
      system.supervisor.restartsOf(name),
      before,
      `${name} rode the fault out without a restart\n${system.output()}`,
    );
  }
  return { accepted: load.accepted.length, refusals: load.refusals };
};

const bodyOf = async (response: Response) => (await response.json()) as Record<string, string>;

drillTest('PostgreSQL restarted (fast shutdown, like pg_ctlcluster restart)', async (ctx) => {
  await drill(ctx, async () => {
    await ctx.stack.postgres.stop();
    const [command, read] = await Promise.all([
      fetch(ctx.system.healthUrls['command-api']!).then(async (r) => ({ status: r.status, body: await bodyOf(r) })),
      fetch(ctx.system.healthUrls['read-api']!).then(async (r) => ({ status: r.status, body: await bodyOf(r) })),
    ]);
    assert.is(command.status, 503);
    assert.is(command.body.store, 'down');
    assert.is(read.status, 503);
    assert.is(read.body.postgres, 'down');
    await ctx.stack.postgres.start();
  });
});

drillTest('Kafka broker killed with SIGKILL and started again', async (ctx) => {
  await drill(ctx, async () => {
    await ctx.stack.kafka.kill();
    await waitFor(async () => (await healthStatus(ctx.system.healthUrls.relay!)) === 503, {
      what: 'the relay to report Kafka down',
      timeoutMs: 15_000,
    });
    await ctx.stack.kafka.start();
  });
});

drillTest('Redis restarted empty', async (ctx) => {
  await drill(ctx, async () => {
    await ctx.stack.redis.stop();
    const read = await fetch(ctx.system.healthUrls['read-api']!);
    assert.is(read.status, 503);
    assert.is(((await read.json()) as { redis: string }).redis, 'down');
    await ctx.stack.redis.start();
  });
});

test.run();

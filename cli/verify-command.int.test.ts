import { randomUUID } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PostgresEventStore } from '../commands/event-store/postgres/postgres-event-store.ts';
import { uniqueName } from '../test/support/names.ts';
import { type RunningPipeline, startPipeline } from '../test/support/pipeline.ts';
import { waitFor } from '../test/support/wait.ts';
import { cliEnvironment, runCli } from './testing/run-cli.ts';

const test = suite('ops verify on a live system', { pipeline: undefined as unknown as RunningPipeline });

test.before(async (context) => {
  // A saga that fails stays stuck (no payment deadline to compensate it meanwhile): a real difference to find.
  context.pipeline = await startPipeline({
    SAGA_MAX_ATTEMPTS: '2',
    SAGA_RETRY_BASE_MS: '50',
    SAGA_PAYMENT_TIMEOUT_MS: '600000',
  });
});

test.after(async ({ pipeline }) => {
  await pipeline?.stop();
});

const post = async (pipeline: RunningPipeline, url: string, body: unknown) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...pipeline.operator },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  if (response.status >= 300) throw new Error(`POST ${url}: ${response.status} ${JSON.stringify(answer)}`);
  return answer as { orderId: string };
};

const stateOf = async (pipeline: RunningPipeline, table: 'read_orders' | 'read_sagas', column: string, id: string) =>
  (await pipeline.pool.query(`SELECT ${column} AS value FROM ${table} WHERE order_id = $1`, [id])).rows[0]?.value;

test('no difference on a settled system (exit 0); planted differences are each reported (exit 1, --json)', async ({
  pipeline,
}) => {
  const env = cliEnvironment(pipeline.schema, pipeline.topicPrefix, pipeline.redisPrefix);
  const sku = uniqueName('mug');
  await post(pipeline, `${pipeline.commandApiUrl}/inventory`, { sku, name: 'Mug', unitPrice: 500, initialStock: 50 });
  const order = (token: string) =>
    post(pipeline, `${pipeline.commandApiUrl}/orders`, {
      customerId: uniqueName('customer'),
      items: [{ sku, quantity: 1 }],
      payment: [{ method: 'card', amount: 500, token }],
    });
  const placed = await Promise.all([order('tok_ok'), order('tok_ok'), order('tok_declined')]);
  for (const { orderId } of placed) {
    await waitFor(
      async () =>
        (await stateOf(pipeline, 'read_sagas', 'state', orderId))?.startsWith('complet') ||
        (await stateOf(pipeline, 'read_sagas', 'state', orderId)) === 'compensated',
      {
        what: `the saga of ${orderId} to finish`,
        timeoutMs: 60_000,
      },
    );
  }

  const clean = await runCli(['verify', '--json', '--settle', '30'], env);
  assert.is(clean.code, 0, clean.stdout + clean.stderr);
  const cleanReport = clean.json();
  assert.ok(cleanReport.ok);
  assert.equal(cleanReport.differences, []);
  assert.is(cleanReport.checked.orders, 3);
  assert.ok(cleanReport.events > 20, `a whole flow's events were read, got ${cleanReport.events}`);
  const human = await runCli(['verify', '--settle', '0'], env);
  assert.is(human.code, 0);
  assert.match(human.stdout, /no difference/);

  // Three kinds of difference: a stuck saga, a read-model row edited by hand, a stored level that does not add up.
  const stuck = await order('tok_error');
  await waitFor(async () => (await stateOf(pipeline, 'read_sagas', 'state', stuck.orderId)) === 'stuck', {
    what: 'the failing saga to be stuck',
    timeoutMs: 60_000,
  });
  const edited = placed[0]!.orderId;
  await pipeline.pool.query('UPDATE read_orders SET total = total + 1 WHERE order_id = $1', [edited]);
  const store = new PostgresEventStore(pipeline.pool);
  const [latest] = (await store.readStream(`inventory-${sku}`)).slice(-1);
  const levels = latest!.data as { onHand: number; available: number };
  await store.appendToStream(
    `inventory-${sku}`,
    [
      {
        id: randomUUID(),
        type: 'StockRestocked',
        data: { sku, quantity: 5, onHand: levels.onHand + 4, available: levels.available + 4 },
        metadata: { correlationId: sku, causationId: randomUUID() },
      },
    ],
    latest!.version,
  );

  const found = await runCli(['verify', '--json', '--settle', '2'], env);
  assert.is(found.code, 1, found.stderr);
  const report = found.json();
  assert.not.ok(report.ok);
  const lines = report.differences.map(
    (d: { check: string; subject: string; message: string }) => `${d.check} ${d.subject}: ${d.message}`,
  );
  assert.ok(
    lines.includes(`orders-settled order-${stuck.orderId}: pending, but its saga is stuck (see \`sagas show\`)`),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((line: string) => line.startsWith(`stock inventory-${sku}: on hand is`)),
    lines.join('\n'),
  );
  assert.ok(
    lines.some(
      (line: string) => line.startsWith(`read-model orders row ${edited}: holds`) && line.includes('"total":501'),
    ),
    lines.join('\n'),
  );
  assert.is(report.counts['orders-settled'], 1);
  const table = await runCli(['verify', '--settle', '0'], env);
  assert.is(table.code, 1);
  assert.match(table.stdout, /3 differences/);
});

test.run();

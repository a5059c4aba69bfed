import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createWebhookSubscription } from '../commands/webhooks/webhook-subscriptions.ts';
import { migrate } from '../deploy/migrate.ts';
import { createTestSchema, type TestSchema } from '../test/support/postgres.ts';
import { runCli } from './testing/run-cli.ts';

const test = suite<{ db: TestSchema }>('orders-ops webhooks');

test.before.each(async (context) => {
  context.db = await createTestSchema('ops_webhooks');
  await migrate(context.db.pool);
});

test.after.each(async (context) => {
  await context.db.drop();
});

const delivery = (db: TestSchema, id: string, subscriptionId: string, status: string, attempts: number) =>
  db.pool.query(
    `INSERT INTO webhook_deliveries (id, subscription_id, event_type, order_id, source_event_id, source_stream_id,
       source_stream_version, origin_topic, origin_partition, origin_offset, body, status, attempts, round_attempts,
       outcomes, last_status, last_error)
     VALUES ($1, $2, 'order.confirmed', 'o-' || $1, 'e-' || $1, 'order-o', 1, 'order-events', 0, 7, '{}', $3, $4, $4,
             CASE WHEN $3 = 'pending' THEN 0 ELSE 1 END, 500, 'HTTP 500')`,
    [id, subscriptionId, status, attempts],
  );

test('list, deliveries, redeliver and enable; unknown ids are exit 3', async ({ db }) => {
  const env = { PGOPTIONS: `-c search_path=${db.schema}` };
  await createWebhookSubscription(db.pool, {
    id: 'wh_a',
    url: 'https://shop.example/hooks',
    events: ['order.confirmed'],
    storedSecret: 'plain:whsec_x',
  });
  await db.pool.query(
    `UPDATE webhook_subscriptions SET status = 'disabled', disabled_reason = 'every attempt failed since then',
       disabled_at = now(), failing_since = now() - interval '2 days' WHERE id = 'wh_a'`,
  );
  await delivery(db, 'msg_failed', 'wh_a', 'failed', 8);
  await delivery(db, 'msg_waiting', 'wh_a', 'pending', 0);

  const listed = await runCli(['webhooks', 'list', '--json'], env);
  assert.is(listed.code, 0, listed.stderr);
  const [hook] = listed.json().webhooks;
  assert.is(hook.id, 'wh_a');
  assert.is(hook.status, 'disabled');
  assert.is(hook.disabledReason, 'every attempt failed since then');
  assert.not.ok(listed.stdout.includes('whsec_x'), 'never the secret');

  const deliveries = await runCli(['webhooks', 'deliveries', 'wh_a', '--json'], env);
  assert.is(deliveries.code, 0, deliveries.stderr);
  const byId = Object.fromEntries(deliveries.json().deliveries.map((d: { id: string; status: string }) => [d.id, d]));
  assert.is(byId.msg_failed.status, 'failed');
  assert.is(byId.msg_failed.attempts, 8);
  assert.is(byId.msg_failed.lastStatus, 500);
  assert.is(byId.msg_waiting.status, 'pending');

  const again = await runCli(['webhooks', 'redeliver', 'msg_failed'], env);
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stdout, 'delivery msg_failed queued again (attempts so far: 8)');
  assert.match(again.stderr, 'subscription is disabled');
  const { rows } = await db.pool.query(
    "SELECT status, round_attempts, attempts, outcomes FROM webhook_deliveries WHERE id = 'msg_failed'",
  );
  assert.equal(rows[0], { status: 'pending', round_attempts: 0, attempts: 8, outcomes: 1 });
  const [twice, enabled] = await Promise.all([
    runCli(['webhooks', 'redeliver', 'msg_failed', '--json'], env),
    runCli(['webhooks', 'enable', 'wh_a', '--json'], env),
  ]);
  assert.is(twice.json().outcome, 'pending', 'already pending: nothing changed');
  assert.is(enabled.code, 0, enabled.stderr);
  assert.is(enabled.json().webhook.status, 'enabled');
  const { rows: after } = await db.pool.query("SELECT failing_since FROM webhook_subscriptions WHERE id = 'wh_a'");
  assert.is(after[0].failing_since, null, 'the failure streak starts afresh');

  const unknown = [
    ['webhooks', 'deliveries', 'wh_none'],
    ['webhooks', 'redeliver', 'msg_none'],
    ['webhooks', 'enable', 'wh_none'],
  ];
  const [usage, ...missing] = await Promise.all([
    runCli(['webhooks', 'deliveries', 'wh_a', '--limit', '0'], env),
    ...unknown.map((args) => runCli(args, env)),
  ]);
  missing.forEach((result, index) => {
    assert.is(result.code, 3, `${unknown[index]!.join(' ')}: ${result.stderr}`);
    assert.is(result.stderr.trimEnd().split('\n').length, 1);
  });
  assert.is(usage!.code, 2);
  assert.match(usage!.stderr, '--limit must be 1-1000');
});

test.run();

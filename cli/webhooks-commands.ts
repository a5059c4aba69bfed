import {
  enableWebhookSubscription,
  getWebhookSubscription,
  listWebhookSubscriptions,
} from '../commands/webhooks/webhook-subscriptions.ts';
import { listDeliveries, redeliver } from '../projections/notifier/deliveries.ts';
import { notFoundError, usageError } from './cli-error.ts';
import type { CommandHandler } from './command.ts';
import { optionText } from './command-args.ts';
import { orDash, renderTable } from './text-table.ts';

export const listWebhooks: CommandHandler = async (context) => {
  const subscriptions = await listWebhookSubscriptions(await context.ops.migratedPool());
  if (context.json) {
    context.print(JSON.stringify({ webhooks: subscriptions }));
    return undefined;
  }
  context.print(
    renderTable(
      [
        { header: 'ID' },
        { header: 'STATUS' },
        { header: 'URL', max: 60 },
        { header: 'EVENTS' },
        { header: 'CUSTOMER' },
        { header: 'DISABLED BECAUSE', max: 60 },
      ],
      subscriptions.map((subscription) => [
        subscription.id,
        subscription.status,
        subscription.url,
        subscription.events.join(','),
        orDash(subscription.customerId),
        orDash(subscription.disabledReason),
      ]),
    ),
  );
  return undefined;
};

const deliveryLimit = (text: string | undefined): number => {
  if (text === undefined) return 50;
  const limit = Number(text);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) {
    throw usageError(`--limit must be 1-1000; got "${text}"`);
  }
  return limit;
};

export const listWebhookDeliveries: CommandHandler = async (context) => {
  const id = context.args.positionals[0]!;
  const limit = deliveryLimit(optionText(context.args, 'limit'));
  const pool = await context.ops.migratedPool();
  if (!(await getWebhookSubscription(pool, id))) throw notFoundError(`no webhook subscription ${id}`);
  const deliveries = await listDeliveries(pool, id, limit);
  if (context.json) {
    context.print(JSON.stringify({ deliveries }));
    return undefined;
  }
  context.print(
    renderTable(
      [
        { header: 'DELIVERY ID' },
        { header: 'EVENT' },
        { header: 'ORDER ID' },
        { header: 'STATUS' },
        { header: 'ATTEMPTS' },
        { header: 'LAST' },
        { header: 'NEXT ATTEMPT' },
        { header: 'LAST ERROR', max: 50 },
      ],
      deliveries.map((delivery) => [
        delivery.id,
        delivery.eventType,
        delivery.orderId,
        delivery.status,
        String(delivery.attempts),
        orDash(delivery.lastStatus),
        orDash(delivery.nextAttemptAt),
        orDash(delivery.lastError),
      ]),
    ),
  );
  return undefined;
};

export const redeliverWebhook: CommandHandler = async (context) => {
  const id = context.args.positionals[0]!;
  const pool = await context.ops.migratedPool();
  const result = await redeliver(pool, id);
  if (!result) throw notFoundError(`no webhook delivery ${id}`);
  const subscription = await getWebhookSubscription(pool, result.delivery.subscriptionId);
  const waiting = subscription?.status === 'disabled' ? 'its subscription is disabled: enable it to send' : undefined;
  if (context.json) {
    context.print(JSON.stringify({ ...result, ...(waiting ? { note: waiting } : {}) }));
    return undefined;
  }
  context.print(
    result.outcome === 'queued'
      ? `delivery ${id} queued again (attempts so far: ${result.delivery.attempts})`
      : `delivery ${id} is pending already; nothing changed`,
  );
  if (waiting) context.stderr.write(`note: ${waiting}\n`);
  return undefined;
};

export const enableWebhook: CommandHandler = async (context) => {
  const id = context.args.positionals[0]!;
  const enabled = await enableWebhookSubscription(await context.ops.migratedPool(), id);
  if (!enabled) throw notFoundError(`no webhook subscription ${id}`);
  if (context.json) {
    context.print(JSON.stringify({ webhook: enabled }));
    return undefined;
  }
  context.print(`webhook ${id} enabled; deliveries that waited go out now`);
  return undefined;
};

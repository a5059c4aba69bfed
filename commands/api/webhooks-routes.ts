import type pg from 'pg';
import { z } from 'zod';
import { notFound } from '../../domain/errors.ts';
import { webhookEventTypes } from '../../domain/notification/events.ts';
import { ApiRouter } from '../../platform/http/api-router.ts';
import { list, object, oneOf, optionalText, text } from '../../platform/http/fields.ts';
import { pathSegment } from '../../platform/http/query-fields.ts';
import { refusals, success } from '../../platform/http/responses.ts';
import type { SecretBox } from '../webhooks/secret-box.ts';
import { newWebhookSecret } from '../webhooks/webhook-signature.ts';
import {
  createWebhookSubscription,
  deleteWebhookSubscription,
  getWebhookSubscription,
  listWebhookSubscriptions,
} from '../webhooks/webhook-subscriptions.ts';
import { checkWebhookHost, type WebhookUrlPolicy } from '../webhooks/webhook-url.ts';

export interface WebhooksDependencies {
  /** The database of `webhook_subscriptions` (migration 040). */
  db: pg.Pool;
  secrets: SecretBox;
  urlPolicy: WebhookUrlPolicy;
  newId: () => string;
}

const isHttpUrl = (value: string) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
};

const hasNoCredentials = (value: string) => {
  try {
    const url = new URL(value);
    return url.username === '' && url.password === '';
  } catch {
    return true;
  }
};

const webhookEventType = oneOf(webhookEventTypes);

export const createWebhookBody = object({
  url: text(2048)
    .refine(isHttpUrl, 'must be an absolute http or https URL')
    .refine(hasNoCredentials, 'must not carry a user name or password'),
  events: list(
    webhookEventType,
    1,
    webhookEventTypes.length,
    `must list 1 to ${webhookEventTypes.length} event types`,
  ).refine((events) => new Set(events).size === events.length, 'must not name an event type twice'),
  customerId: optionalText(64).meta({ description: "only this customer's orders; every order when absent" }),
});

const subscriptionView = z.strictObject({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(webhookEventTypes)),
  customerId: z.string().optional(),
  status: z.enum(['enabled', 'disabled']),
  disabledReason: z.string().optional(),
  disabledAt: z.iso.datetime().optional(),
  createdAt: z.iso.datetime(),
});

const createdSubscription = subscriptionView.extend({
  secret: z.string().meta({ description: 'whsec_<base64>: the signing secret, shown this once only' }),
});

const idParams = object({ id: pathSegment(100) });

/**
 * `POST /webhooks`, `GET /webhooks`, `GET /webhooks/:id`, `DELETE /webhooks/:id` (docs/notifications.md).
 * Operator routes: the signing secret is in the 201 answer and never again.
 */
export const webhooksRoutes = ({ db, secrets, urlPolicy, newId }: WebhooksDependencies): ApiRouter => {
  const router = new ApiRouter({ prefix: '/webhooks', tag: 'webhooks' });

  router.post(
    '/',
    {
      summary: 'Subscribe a URL to order notifications; the answer holds the signing secret, once',
      access: 'operator',
      description:
        'Hosts on private, loopback and link-local addresses are refused (400, rule webhook_url_private_host) unless the service runs with WEBHOOK_ALLOW_PRIVATE=true.',
      body: createWebhookBody,
      responses: {
        201: success('The subscription, with its signing secret', createdSubscription),
        ...refusals(400),
      },
    },
    async (ctx, { body }) => {
      const url = new URL(body.url);
      await checkWebhookHost(url, urlPolicy);
      const secret = newWebhookSecret();
      const created = await createWebhookSubscription(db, {
        id: `wh_${newId()}`,
        url: url.toString(),
        events: body.events,
        ...(body.customerId ? { customerId: body.customerId } : {}),
        storedSecret: secrets.seal(secret),
      });
      ctx.status = 201;
      ctx.set('Location', `/webhooks/${created.id}`);
      ctx.body = { ...created, secret };
    },
  );

  router.get(
    '/',
    {
      summary: 'Every subscription, newest first (secrets are never shown again)',
      access: 'operator',
      responses: { 200: success('The subscriptions', z.strictObject({ items: z.array(subscriptionView) })) },
    },
    async (ctx) => {
      ctx.body = { items: await listWebhookSubscriptions(db) };
    },
  );

  router.get(
    '/:id',
    {
      summary: 'One subscription: its URL, events, and whether it is enabled (and why not)',
      access: 'operator',
      params: idParams,
      responses: { 200: success('The subscription', subscriptionView), ...refusals(400, 404) },
    },
    async (ctx, { params }) => {
      const subscription = await getWebhookSubscription(db, params.id);
      if (!subscription) throw notFound(`no webhook subscription ${params.id}`);
      ctx.body = subscription;
    },
  );

  router.delete(
    '/:id',
    {
      summary: 'Unsubscribe: nothing more is delivered to it; its delivery history stays',
      access: 'operator',
      params: idParams,
      responses: { 204: { description: 'Deleted' }, ...refusals(400, 404) },
    },
    async (ctx, { params }) => {
      if (!(await deleteWebhookSubscription(db, params.id))) throw notFound(`no webhook subscription ${params.id}`);
      ctx.status = 204;
    },
  );

  return router;
};

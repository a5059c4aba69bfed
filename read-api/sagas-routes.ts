import { z } from 'zod';
import { notFound } from '../domain/errors.ts';
import { actsFor, isOperator } from '../platform/auth/actor.ts';
import { ApiRouter } from '../platform/http/api-router.ts';
import { object } from '../platform/http/fields.ts';
import { pageSize, pathSegment, queryOneOf, queryText } from '../platform/http/query-fields.ts';
import { refusals, success } from '../platform/http/responses.ts';
import { notificationSteps } from '../projections/notifications/notification-queries.ts';
import { getOrder } from '../projections/orders/order-queries.ts';
import { getSaga, listSagas, sagaStates } from '../projections/sagas/saga-queries.ts';
import { consistencyHeaders } from './consistency-wait.ts';
import { pageBody, pageOf } from './page-body.ts';
import type { ReadRoutesDependencies } from './read-routes.ts';

const sagaState = sagaStates as [(typeof sagaStates)[number], ...(typeof sagaStates)[number][]];

export const listSagasQuery = object({
  state: queryOneOf(sagaState),
  limit: pageSize(),
  cursor: queryText(800),
});

export const sagaView = z.strictObject({
  sagaId: z.string(),
  orderId: z.string(),
  state: z.enum(sagaState),
  step: z.string().nullable().meta({ description: 'the step scheduled last; null before the first' }),
  steps: z.array(
    z.strictObject({
      name: z.string(),
      status: z.string(),
      at: z.string(),
      detail: z.string().optional(),
      by: z
        .strictObject({ subject: z.string(), role: z.string() })
        .optional()
        .meta({ description: 'the operator whose request scheduled this attempt; absent when the saga did' }),
    }),
  ),
  deadlines: z.array(
    z.strictObject({ deadlineId: z.string(), name: z.string(), dueAt: z.string(), stepId: z.string().optional() }),
  ),
  lastError: z.string().optional(),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime().optional(),
});

/** `GET /sagas/:orderId` (with its step timeline) and `GET /sagas?state=&limit=&cursor=` (newest first). */
export const sagasRoutes = ({ pool, consistency }: ReadRoutesDependencies): ApiRouter => {
  const router = new ApiRouter({ prefix: '/sagas', tag: 'sagas' });
  router.use(consistency);

  router.get(
    '/',
    {
      summary: 'Sagas, newest first, optionally in one state',
      access: 'operator',
      query: listSagasQuery,
      headers: consistencyHeaders,
      responses: { 200: success('One page of sagas', pageOf(sagaView)), ...refusals(400) },
    },
    async (ctx, { query }) => {
      ctx.body = pageBody(await listSagas(pool, query));
    },
  );

  router.get(
    '/:orderId',
    {
      summary:
        "One order's saga with its step timeline (for operators, webhook deliveries last, as notify:<event>:<subscription>) and open deadlines",
      description: "Another customer's saga answers 404 to a customer's token, as if it did not exist.",
      access: 'customer',
      params: object({ orderId: pathSegment() }),
      headers: consistencyHeaders,
      responses: { 200: success('The saga', sagaView), ...refusals(400, 404) },
    },
    async (ctx, { params, actor }) => {
      const operator = isOperator(actor);
      const [saga, owned, notified] = await Promise.all([
        getSaga(pool, params.orderId),
        operator ? true : getOrder(pool, params.orderId).then((order) => actsFor(actor, order?.customerId ?? '')),
        // Webhook subscriptions are operators' configuration: customers see the saga's own steps only.
        operator ? notificationSteps(pool, params.orderId) : [],
      ]);
      if (!saga || !owned) throw notFound(`no saga for order ${params.orderId}`);
      ctx.body = { ...saga, steps: [...saga.steps, ...notified] };
    },
  );

  return router;
};

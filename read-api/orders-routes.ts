import { z } from 'zod';
import { notFound } from '../domain/errors.ts';
import { paymentMethods } from '../domain/payment-plan/payment-part.ts';
import { actsFor } from '../platform/auth/actor.ts';
import { ApiRouter } from '../platform/http/api-router.ts';
import { object } from '../platform/http/fields.ts';
import { pageSize, pathSegment, queryOneOf, queryText } from '../platform/http/query-fields.ts';
import { refusals, success } from '../platform/http/responses.ts';
import { getOrder, listOrders, orderStatuses } from '../projections/orders/order-queries.ts';
import { consistencyHeaders } from './consistency-wait.ts';
import { customerScope } from './customer-scope.ts';
import { pageBody, pageOf } from './page-body.ts';
import type { ReadRoutesDependencies } from './read-routes.ts';

export const listOrdersQuery = object({
  customerId: queryText(),
  status: queryOneOf(orderStatuses),
  limit: pageSize(),
  cursor: queryText(800),
});

const money = z.int().min(0);
export const orderView = z.strictObject({
  orderId: z.string(),
  customerId: z.string(),
  status: z.enum(orderStatuses),
  cancellationReason: z.string().optional(),
  items: z.array(z.strictObject({ sku: z.string(), quantity: z.int().min(1), unitPrice: money })),
  total: money,
  payment: z.array(
    z.strictObject({ method: z.enum(paymentMethods), amount: money, couponCode: z.string().optional() }),
  ),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  version: z.int().min(0).meta({ description: 'version of stream order-<orderId> the row reflects' }),
});

/** `GET /orders/:id` and `GET /orders?customerId=&status=&limit=&cursor=` (newest first). */
export const ordersRoutes = ({ pool, consistency }: ReadRoutesDependencies): ApiRouter => {
  const router = new ApiRouter({ prefix: '/orders', tag: 'orders' });
  router.use(consistency);

  router.get(
    '/',
    {
      summary: 'Orders, newest first, optionally of one customer or in one status',
      description:
        "A customer's token sees only their own orders (`customerId` left out or their own; another is 403).",
      access: 'customer',
      query: listOrdersQuery,
      headers: consistencyHeaders,
      responses: { 200: success('One page of orders', pageOf(orderView)), ...refusals(400) },
    },
    async (ctx, { query, actor }) => {
      ctx.body = pageBody(await listOrders(pool, { ...query, customerId: customerScope(actor, query.customerId) }));
    },
  );

  router.get(
    '/:id',
    {
      summary: 'One order: lines, total, payment and status',
      description: "Another customer's order answers 404 to a customer's token, as if it did not exist.",
      access: 'customer',
      params: object({ id: pathSegment() }),
      headers: consistencyHeaders,
      responses: { 200: success('The order', orderView), ...refusals(400, 404) },
    },
    async (ctx, { params, actor }) => {
      const order = await getOrder(pool, params.id);
      if (!order || !actsFor(actor, order.customerId)) throw notFound(`no order ${params.id}`);
      ctx.body = order;
    },
  );

  return router;
};

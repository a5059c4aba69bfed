import Router from '@koa/router';
import { notFound } from '../domain/errors.ts';
import { getOrder, listOrders, orderStatuses } from '../projections/orders/order-queries.ts';
import { pageBody } from './page-body.ts';
import { pathParam, readQuery } from './query-params.ts';
import type { ReadRoutesDependencies } from './read-routes.ts';

/** `GET /orders/:id` and `GET /orders?customerId=&status=&limit=&cursor=` (newest first). */
export const ordersRoutes = ({ pool, consistency }: ReadRoutesDependencies): Router => {
  const router = new Router({ prefix: '/orders' });
  router.use(consistency);

  router.get('/', async (ctx) => {
    const query = readQuery(ctx.query, (params) => ({
      customerId: params.optionalString('customerId'),
      status: params.optionalOneOf('status', orderStatuses),
      limit: params.pageSize(),
      cursor: params.optionalString('cursor', 800),
    }));
    ctx.body = pageBody(await listOrders(pool, query));
  });

  router.get('/:id', async (ctx) => {
    const orderId = pathParam(ctx.params.id, 'id');
    const order = await getOrder(pool, orderId);
    if (!order) throw notFound(`no order ${orderId}`);
    ctx.body = order;
  });

  return router;
};

import Router from '@koa/router';
import { notFound } from '../domain/errors.ts';
import { getInventoryItem } from '../projections/inventory/inventory-queries.ts';
import { pathParam } from './query-params.ts';
import type { ReadRoutesDependencies } from './read-routes.ts';

/** `GET /inventory/:sku`: name, price and stock of one SKU. */
export const inventoryRoutes = ({ pool, consistency }: ReadRoutesDependencies): Router => {
  const router = new Router({ prefix: '/inventory' });
  router.use(consistency);

  router.get('/:sku', async (ctx) => {
    const sku = pathParam(ctx.params.sku, 'sku');
    const item = await getInventoryItem(pool, sku);
    if (!item) throw notFound(`no SKU ${sku}`);
    ctx.body = item;
  });

  return router;
};

import { z } from 'zod';
import { notFound } from '../domain/errors.ts';
import { ApiRouter } from '../platform/http/api-router.ts';
import { object } from '../platform/http/fields.ts';
import { pathSegment } from '../platform/http/query-fields.ts';
import { refusals, success } from '../platform/http/responses.ts';
import { getInventoryItem } from '../projections/inventory/inventory-queries.ts';
import { consistencyHeaders } from './consistency-wait.ts';
import type { ReadRoutesDependencies } from './read-routes.ts';

export const inventoryItemView = z.strictObject({
  sku: z.string(),
  name: z.string(),
  unitPrice: z.int().min(0),
  onHand: z.int().min(0),
  reserved: z.int().min(0),
  available: z.int().meta({ description: 'onHand - reserved' }),
});

/** `GET /inventory/:sku`: name, price and stock of one SKU. */
export const inventoryRoutes = ({ pool, consistency }: ReadRoutesDependencies): ApiRouter => {
  const router = new ApiRouter({ prefix: '/inventory', tag: 'inventory' });
  router.use(consistency);

  router.get(
    '/:sku',
    {
      summary: 'Name, price and stock of one SKU',
      access: 'token',
      params: object({ sku: pathSegment() }),
      headers: consistencyHeaders,
      responses: { 200: success('The SKU', inventoryItemView), ...refusals(400, 404) },
    },
    async (ctx, { params }) => {
      const item = await getInventoryItem(pool, params.sku);
      if (!item) throw notFound(`no SKU ${params.sku}`);
      ctx.body = item;
    },
  );

  return router;
};

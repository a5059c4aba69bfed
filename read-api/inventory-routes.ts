import { z } from 'zod';
import { notFound } from '../domain/errors.ts';
import { ApiRouter } from '../platform/http/api-router.ts';
import { object } from '../platform/http/fields.ts';
import { pageSize, pathSegment, queryText } from '../platform/http/query-fields.ts';
import { refusals, success } from '../platform/http/responses.ts';
import { getInventoryItem, listInventory } from '../projections/inventory/inventory-queries.ts';
import { consistencyHeaders } from './consistency-wait.ts';
import { pageBody, pageOf } from './page-body.ts';
import type { ReadRoutesDependencies } from './read-routes.ts';

export const inventoryItemView = z.strictObject({
  sku: z.string(),
  name: z.string(),
  unitPrice: z.int().min(0),
  onHand: z.int().min(0),
  reserved: z.int().min(0),
  available: z.int().meta({ description: 'onHand - reserved' }),
});

export const listInventoryQuery = object({ limit: pageSize(), cursor: queryText(200) });

/** `GET /inventory/:sku`: name, price and stock of one SKU; `GET /inventory?limit=&cursor=`: every SKU in order. */
export const inventoryRoutes = ({ pool, consistency }: ReadRoutesDependencies): ApiRouter => {
  const router = new ApiRouter({ prefix: '/inventory', tag: 'inventory' });
  router.use(consistency);

  router.get(
    '/',
    {
      summary: 'Every SKU with its stock, in SKU order, a page at a time',
      access: 'operator',
      query: listInventoryQuery,
      responses: { 200: success('One page of SKUs', pageOf(inventoryItemView)), ...refusals(400) },
    },
    async (ctx, { query }) => {
      ctx.body = pageBody(await listInventory(pool, query));
    },
  );

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

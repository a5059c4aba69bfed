import { z } from 'zod';
import type { RegisterSku, Restock } from '../../domain/inventory/commands.ts';
import type { SkuRegistered, StockRestocked } from '../../domain/inventory/events.ts';
import { inventoryDecider } from '../../domain/inventory/inventory-decider.ts';
import { maxRestockQuantity, maxStockLevel, maxUnitPrice, skuPattern } from '../../domain/limits.ts';
import { inventoryStreamId } from '../../domain/streams.ts';
import { ApiRouter } from '../../platform/http/api-router.ts';
import { identifier, integer, object, text } from '../../platform/http/fields.ts';
import { refusals } from '../../platform/http/responses.ts';
import { handleCommand } from '../command-handler.ts';
import { accepted, answer, type CommandApiDependencies, commandRequest, producedData } from './command-request.ts';

export const sku = identifier(skuPattern, 'must be 1-64 of A-Z a-z 0-9 . _ -');

export const registerSkuBody = object({
  sku,
  name: text(200),
  unitPrice: integer(0, maxUnitPrice, `must be an integer from 0 to ${maxUnitPrice} (minor units)`),
  initialStock: integer(0, maxStockLevel, `must be an integer from 0 to ${maxStockLevel}`),
});

export const restockBody = object({ quantity: integer(1, maxRestockQuantity) });

const stockLevels = { onHand: z.int().min(0), available: z.int() };
const skuRegistered = object({ sku: z.string(), name: z.string(), unitPrice: z.int().min(0), ...stockLevels });
const stockRestocked = object({ sku: z.string(), quantity: z.int().min(1), ...stockLevels });

/** `POST /inventory` registers a SKU (201, 409 if it exists); `POST /inventory/:sku/restock` adds units (202). */
export const inventoryRoutes = (deps: CommandApiDependencies): ApiRouter => {
  const { store, retries } = deps;
  const router = new ApiRouter({ prefix: '/inventory', tag: 'inventory' });

  router.post(
    '/',
    {
      summary: 'Register a SKU with its name, unit price and initial stock',
      body: registerSkuBody,
      responses: { 201: accepted('The SKU is registered', skuRegistered), ...refusals(400, 409) },
    },
    async (ctx, { body, actor }) => {
      const { metadata, eventMetadata } = commandRequest(ctx, deps, actor);
      const command: RegisterSku = { type: 'RegisterSku', data: body, metadata };
      const streamId = inventoryStreamId(body.sku);
      const outcome = await handleCommand({
        store,
        decider: inventoryDecider,
        streamId,
        command,
        metadata: eventMetadata,
        retries,
      });
      const registered = producedData<SkuRegistered['data']>(outcome);
      const { name, unitPrice, onHand, available } = registered;
      answer(ctx, 201, { sku: registered.sku, name, unitPrice, onHand, available }, { streamId, outcome });
    },
  );

  router.post(
    '/:sku/restock',
    {
      summary: 'Add units on hand to a registered SKU',
      params: object({ sku: text() }),
      body: restockBody,
      responses: { 202: accepted('The units are added', stockRestocked), ...refusals(400, 404, 422) },
    },
    async (ctx, { params, body, actor }) => {
      const data = { sku: params.sku, quantity: body.quantity };
      const { metadata, eventMetadata } = commandRequest(ctx, deps, actor);
      const command: Restock = { type: 'Restock', data, metadata };
      const streamId = inventoryStreamId(data.sku);
      const outcome = await handleCommand({
        store,
        decider: inventoryDecider,
        streamId,
        command,
        metadata: eventMetadata,
        retries,
      });
      const { onHand, available } = producedData<StockRestocked['data']>(outcome);
      answer(ctx, 202, { sku: data.sku, quantity: data.quantity, onHand, available }, { streamId, outcome });
    },
  );

  return router;
};

import Router from '@koa/router';
import type { RegisterSku, Restock } from '../../domain/inventory/commands.ts';
import type { SkuRegistered, StockRestocked } from '../../domain/inventory/events.ts';
import { inventoryDecider } from '../../domain/inventory/inventory-decider.ts';
import { inventoryStreamId } from '../../domain/streams.ts';
import { handleCommand } from '../command-handler.ts';
import { answer, type CommandApiDependencies, commandRequest, producedData } from './command-request.ts';
import { readJsonBody } from './json-body.ts';
import { readFields } from './request-fields.ts';

/** `POST /inventory` registers a SKU (201, 409 if it exists); `POST /inventory/:sku/restock` adds units (202). */
export const inventoryRoutes = (deps: CommandApiDependencies): Router => {
  const { store, retries } = deps;
  const router = new Router({ prefix: '/inventory' });

  router.post('/', async (ctx) => {
    const data = readFields(await readJsonBody(ctx), (fields) => ({
      sku: fields.string('sku'),
      name: fields.string('name', 200),
      unitPrice: fields.integer('unitPrice'),
      initialStock: fields.integer('initialStock'),
    }));
    const { metadata, eventMetadata } = commandRequest(ctx, deps);
    const command: RegisterSku = { type: 'RegisterSku', data, metadata };
    const streamId = inventoryStreamId(data.sku);
    const outcome = await handleCommand({
      store,
      decider: inventoryDecider,
      streamId,
      command,
      metadata: eventMetadata,
      retries,
    });
    const registered = producedData<SkuRegistered['data']>(outcome);
    const { sku, name, unitPrice, onHand, available } = registered;
    answer(ctx, 201, { sku, name, unitPrice, onHand, available }, { streamId, outcome });
  });

  router.post('/:sku/restock', async (ctx) => {
    const sku = readFields(ctx.params, (params) => params.string('sku'));
    const { quantity } = readFields(await readJsonBody(ctx), (fields) => ({ quantity: fields.integer('quantity') }));
    const data = { sku, quantity };
    const { metadata, eventMetadata } = commandRequest(ctx, deps);
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
    answer(ctx, 202, { sku, quantity, onHand, available }, { streamId, outcome });
  });

  return router;
};

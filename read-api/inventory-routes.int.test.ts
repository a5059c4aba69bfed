import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { uniqueName } from '../test/support/names.ts';
import { type RunningReadApi, startReadApi } from './read-api-harness.ts';

const inventory = suite('GET /inventory/:sku', { api: undefined as unknown as RunningReadApi });
inventory.before(async (ctx) => {
  ctx.api = await startReadApi();
});
inventory.after(async (ctx) => {
  await ctx.api.close();
});

inventory('answers name, price and stock levels of a registered SKU', async ({ api }) => {
  const sku = uniqueName('mug');
  await api.seed.registerSku({ sku, name: 'Blue mug', unitPrice: 1250, initialStock: 10 });
  await api.seed.reserveStock(sku, 'o-1', 3);
  const answer = await api.get(`/inventory/${sku}`);
  assert.is(answer.status, 200);
  assert.equal(answer.body, { sku, name: 'Blue mug', unitPrice: 1250, onHand: 10, reserved: 3, available: 7 });
});

inventory('404 problem for a SKU that was never registered', async ({ api }) => {
  const answer = await api.get(`/inventory/${uniqueName('nothing')}`);
  assert.is(answer.status, 404);
  assert.is(answer.body.type, 'https://errors.orders.local/not_found');
});

inventory('GET /inventory without a SKU is no route (404), other methods 405', async ({ api }) => {
  assert.is((await api.get('/inventory')).status, 404);
  const post = await fetch(`${api.url}/inventory/sku-a`, { method: 'DELETE' });
  assert.is(post.status, 405);
});

inventory.run();

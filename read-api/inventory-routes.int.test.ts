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

inventory('GET /inventory lists SKUs in order, a page at a time, for operators', async ({ api }) => {
  const prefix = uniqueName('list');
  for (const suffix of ['c', 'a', 'b']) {
    await api.seed.registerSku({ sku: `${prefix}-${suffix}`, name: suffix, unitPrice: 1, initialStock: 1 });
  }
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await api.get(`/inventory?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    assert.is(page.status, 200);
    assert.ok(page.body.items.length <= 2);
    seen.push(...page.body.items.map((item: { sku: string }) => item.sku));
    cursor = page.body.nextCursor;
  } while (cursor);
  const ours = seen.filter((sku) => sku.startsWith(prefix));
  assert.equal(ours, [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`]);
  assert.equal(
    [...seen].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1)),
    seen,
    'in byte order, none twice',
  );
  assert.is(new Set(seen).size, seen.length);
  const bad = await api.get('/inventory?cursor=bm90LWEtc2t1IQ');
  assert.is(bad.status, 400);
  assert.equal(bad.body.errors, [{ field: 'cursor', message: 'must be a nextCursor from an earlier page' }]);
  const customer = await api.get('/inventory', await api.tokens.bearer('customer', 'c1'));
  assert.is(customer.status, 403);
});

inventory('other methods on a SKU are 405', async ({ api }) => {
  const post = await fetch(`${api.url}/inventory/sku-a`, { method: 'DELETE' });
  assert.is(post.status, 405);
});

inventory.run();

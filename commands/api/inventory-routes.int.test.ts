import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { uniqueName } from '../../test/support/names.ts';
import { type RunningCommandApi, startCommandApi, tokenOf } from './command-api-harness.ts';

const context = { api: undefined as unknown as RunningCommandApi };
const inventory = suite('POST /inventory', context);
inventory.before(async (ctx) => {
  ctx.api = await startCommandApi();
});
inventory.after(async (ctx) => {
  await ctx.api.close();
});

const newSku = (overrides: Record<string, unknown> = {}) => ({
  sku: uniqueName('sku'),
  name: 'Blue mug',
  unitPrice: 1_250,
  initialStock: 7,
  ...overrides,
});

inventory('201 with the SKU record, a consistency token and the event stored with its metadata', async ({ api }) => {
  const sku = newSku();
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  const answer = await api.post('/inventory', sku, { traceparent });
  assert.is(answer.status, 201);
  assert.equal(answer.body, { sku: sku.sku, name: 'Blue mug', unitPrice: 1_250, onHand: 7, available: 7 });
  const [event] = await api.store.readStream(`inventory-${sku.sku}`);
  assert.is(event?.type, 'SkuRegistered');
  assert.is(answer.headers.get('x-consistency-token'), tokenOf(event));
  assert.ok(event?.metadata.commandId);
  assert.is(event?.metadata.causationId, event?.metadata.commandId);
  assert.match(event?.metadata.traceparent ?? '', /^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
});

inventory('409 when the SKU is already registered', async ({ api }) => {
  const sku = newSku();
  assert.is((await api.post('/inventory', sku)).status, 201);
  const again = await api.post('/inventory', { ...sku, name: 'Other' });
  assert.is(again.status, 409);
  assert.is(again.headers.get('content-type'), 'application/problem+json');
  assert.is(again.body.type, 'https://errors.orders.local/sku_exists');
  assert.match(again.body.detail, sku.sku);
  assert.is(again.headers.get('x-consistency-token'), null);
  assert.is((await api.store.readStream(`inventory-${sku.sku}`)).length, 1);
});

inventory('400 with field errors for a malformed body, nothing written', async ({ api }) => {
  const sku = uniqueName('sku');
  const answer = await api.post('/inventory', { sku, name: '', unitPrice: '12', initialStock: 1.5 });
  assert.is(answer.status, 400);
  assert.is(answer.body.type, 'https://errors.orders.local/validation');
  assert.equal(
    answer.body.errors.map((error: { field: string }) => error.field),
    ['name', 'unitPrice', 'initialStock'],
  );
  assert.is((await api.store.readStream(`inventory-${sku}`)).length, 0);

  const empty = await api.post('/inventory');
  assert.is(empty.status, 400);
  assert.equal(
    empty.body.errors.map((error: { field: string }) => error.field),
    ['sku', 'name', 'unitPrice', 'initialStock'],
  );
});

inventory('400 when the domain finds a value out of range', async ({ api }) => {
  const answer = await api.post('/inventory', newSku({ sku: 'has spaces', unitPrice: -1 }));
  assert.is(answer.status, 400);
  assert.equal(
    answer.body.errors.map((error: { field: string }) => error.field),
    ['sku', 'unitPrice'],
  );
});

const restock = suite('POST /inventory/:sku/restock', context);
restock.before(async (ctx) => {
  ctx.api = await startCommandApi();
});
restock.after(async (ctx) => {
  await ctx.api.close();
});

restock('202 with the new stock levels and a consistency token', async ({ api }) => {
  const sku = newSku({ initialStock: 2 });
  await api.post('/inventory', sku);
  const answer = await api.post(`/inventory/${sku.sku}/restock`, { quantity: 5 });
  assert.is(answer.status, 202);
  assert.equal(answer.body, { sku: sku.sku, quantity: 5, onHand: 7, available: 7 });
  const events = await api.store.readStream(`inventory-${sku.sku}`);
  assert.is(events[1]?.type, 'StockRestocked');
  assert.is(answer.headers.get('x-consistency-token'), tokenOf(events[1]));
});

restock('concurrent restocks of one SKU all land, retried on the version conflict', async ({ api }) => {
  const sku = newSku({ initialStock: 0 });
  await api.post('/inventory', sku);
  const answers = await Promise.all(
    [1, 2, 3, 4, 5].map((quantity) => api.post(`/inventory/${sku.sku}/restock`, { quantity })),
  );
  assert.equal(
    answers.map((answer) => answer.status),
    [202, 202, 202, 202, 202],
  );
  const events = await api.store.readStream(`inventory-${sku.sku}`);
  assert.is(events.length, 6);
  assert.equal((events[5]!.data as { onHand: number }).onHand, 15);
});

restock('404 for an unknown SKU', async ({ api }) => {
  const answer = await api.post(`/inventory/${uniqueName('nosku')}/restock`, { quantity: 1 });
  assert.is(answer.status, 404);
  assert.is(answer.body.type, 'https://errors.orders.local/not_found');
  assert.is(answer.body.title, 'Not Found');
});

restock('400 for a quantity that is not an integer, or out of range', async ({ api }) => {
  const sku = newSku();
  await api.post('/inventory', sku);
  const notInteger = await api.post(`/inventory/${sku.sku}/restock`, { quantity: 'ten' });
  assert.is(notInteger.status, 400);
  assert.equal(notInteger.body.errors, [{ field: 'quantity', message: 'must be an integer' }]);
  const zero = await api.post(`/inventory/${sku.sku}/restock`, { quantity: 0 });
  assert.is(zero.status, 400);
  assert.is(zero.body.errors[0].field, 'quantity');
  assert.is((await api.store.readStream(`inventory-${sku.sku}`)).length, 1);
});

inventory.run();
restock.run();

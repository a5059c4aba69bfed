import { randomUUID } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { OpenApiDocument } from '../platform/http/openapi.ts';
import { openApiConformance } from '../platform/http/testing/openapi-conformance.ts';
import { uniqueName } from '../test/support/names.ts';
import { type Answer, type RunningReadApi, startReadApi } from './read-api-harness.ts';

const context = { api: undefined as unknown as RunningReadApi };
const openapi = suite('query API: OpenAPI document against real answers', context);
openapi.before(async (ctx) => {
  ctx.api = await startReadApi();
});
openapi.after(async (ctx) => {
  await ctx.api.close();
});

const at = (second: number) => new Date(Date.UTC(2025, 0, 1, 10, 0, second)).toISOString();

openapi('GET /openapi.json is OpenAPI 3.1; /docs serves a page that loads it', async ({ api }) => {
  const answer = await api.get('/openapi.json');
  assert.is(answer.status, 200);
  assert.is(answer.body.openapi, '3.1.0');
  assert.ok(answer.body.paths['/orders']?.get?.parameters?.some((p: { name: string }) => p.name === 'cursor'));
  const page = await api.get('/docs');
  assert.is(page.status, 200);
  assert.match(page.body, '/docs/api-docs.js');
});

openapi('every route answers as the document says, success and refusals alike', async ({ api }) => {
  const document = (await api.get('/openapi.json')).body as OpenApiDocument;
  const conformance = openApiConformance(document);
  const orderId = randomUUID();
  const cancelledId = randomUUID();
  const customerId = uniqueName('customer');
  const sku = uniqueName('sku');
  await api.seed.registerSku({ sku, name: 'Mug', unitPrice: 1_250, initialStock: 10 });
  await api.seed.placeOrder({ orderId, customerId, at: at(0), lines: [{ sku, quantity: 2, unitPrice: 1_250 }] });
  await api.seed.confirmOrder(orderId, at(1));
  await api.seed.placeOrder({ orderId: cancelledId, customerId, at: at(2) });
  await api.seed.cancelOrder(cancelledId, at(3));
  await api.seed.startSaga({ orderId, customerId, at: at(0) });

  const seen: [method: string, path: string, answer: Answer][] = [];
  const check = async (path: string, url: string, headers?: Record<string, string>) => {
    const answer = await api.get(url, headers);
    seen.push(['get', path, answer]);
    return answer;
  };
  await check('/health', '/health');
  const page = await check('/orders', `/orders?customerId=${customerId}&limit=1`);
  assert.ok(page.body.nextCursor, 'a second page');
  await check('/orders', `/orders?customerId=${customerId}&cursor=${page.body.nextCursor}`);
  await check('/orders', '/orders?limit=0&status=lost');
  await check('/orders/{id}', `/orders/${orderId}`);
  await check('/orders/{id}', `/orders/${cancelledId}`);
  await check('/orders/{id}', `/orders/${randomUUID()}`);
  await check('/sagas', '/sagas?limit=5');
  await check('/sagas', '/sagas?state=bogus');
  await check('/sagas/{orderId}', `/sagas/${orderId}`);
  await check('/sagas/{orderId}', `/sagas/${randomUUID()}`);
  await check('/inventory', '/inventory?limit=1');
  await check('/inventory', '/inventory?cursor=not*a*cursor');
  await check('/inventory/{sku}', `/inventory/${sku}`);
  await check('/inventory/{sku}', `/inventory/${uniqueName('none')}`);
  await check('/dashboard/summary', '/dashboard/summary');

  await check('/orders', '/orders', { authorization: '' });
  await check('/orders/{id}', `/orders/${orderId}`, { authorization: 'Bearer not-a-token' });
  await check('/sagas', '/sagas', await api.tokens.bearer('customer', customerId));
  await check('/inventory/{sku}', `/inventory/${sku}`, await api.tokens.bearer('customer', customerId));
  await check('/dashboard/events', '/dashboard/events?ticket=spent', { authorization: '' });

  const operator = await api.tokens.bearer('operator', 'openapi-test');
  const ticket = await fetch(`${api.url}/dashboard/events/tickets`, { method: 'POST', headers: operator });
  seen.push([
    'post',
    '/dashboard/events/tickets',
    { status: ticket.status, headers: ticket.headers, body: await ticket.json() },
  ]);
  const events = await fetch(`${api.url}/dashboard/events`, { headers: operator });
  seen.push(['get', '/dashboard/events', { status: events.status, headers: events.headers, body: undefined }]);
  await events.body?.cancel();

  const statuses = new Set<string>();
  for (const [method, path, answer] of seen) {
    statuses.add(`${path} ${answer.status}`);
    conformance.check(method, path, answer);
  }
  for (const expected of [
    '/orders 200',
    '/orders 400',
    '/orders/{id} 200',
    '/orders/{id} 404',
    '/sagas/{orderId} 200',
    '/inventory 200',
    '/inventory 400',
    '/orders 401',
    '/orders/{id} 401',
    '/sagas 403',
    '/dashboard/events 401',
  ]) {
    assert.ok(statuses.has(expected), `exercised ${expected}`);
  }
  assert.equal(conformance.uncovered(), []);
});

openapi.run();

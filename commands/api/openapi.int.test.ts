import { randomUUID } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { OpenApiDocument } from '../../platform/http/openapi.ts';
import { openApiConformance } from '../../platform/http/testing/openapi-conformance.ts';
import { uniqueName } from '../../test/support/names.ts';
import { type Answer, type RunningCommandApi, startCommandApi } from './command-api-harness.ts';

const context = { api: undefined as unknown as RunningCommandApi };
const openapi = suite('command API: OpenAPI document against real answers', context);
openapi.before(async (ctx) => {
  ctx.api = await startCommandApi();
});
openapi.after(async (ctx) => {
  await ctx.api.close();
});

openapi('GET /openapi.json is OpenAPI 3.1; /docs serves a page that loads it', async ({ api }) => {
  const answer = await api.get('/openapi.json');
  assert.is(answer.status, 200);
  assert.is(answer.body.openapi, '3.1.0');
  assert.ok(answer.body.paths['/orders']?.post?.requestBody, 'the place-order body is documented');
  const page = await api.get('/docs');
  assert.is(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', 'text/html');
  assert.match(page.body, '/docs/api-docs.js');
  const script = await api.get('/docs/api-docs.js');
  assert.is(script.status, 200);
  assert.match(script.body, '/openapi.json');
});

openapi('every route answers as the document says, success and refusals alike', async ({ api }) => {
  const document = (await api.get('/openapi.json')).body as OpenApiDocument;
  const conformance = openApiConformance(document);
  const sku = uniqueName('sku');
  const code = uniqueName('CODE');
  const customerId = uniqueName('customer');
  const seen: [method: string, path: string, answer: Answer][] = [];
  const check = async (method: string, path: string, answer: Promise<Answer>) => {
    seen.push([method, path, await answer]);
    return answer;
  };

  await check('get', '/health', api.get('/health'));
  await check('post', '/inventory', api.post('/inventory', { sku, name: 'Mug', unitPrice: 1_000, initialStock: 5 }));
  await check('post', '/inventory', api.post('/inventory', { sku, name: 'Mug', unitPrice: 1_000, initialStock: 5 }));
  await check('post', '/inventory', api.post('/inventory', { sku: 'no spaces', unitPrice: 'x' }));
  await check('post', '/inventory/{sku}/restock', api.post(`/inventory/${sku}/restock`, { quantity: 3 }));
  await check(
    'post',
    '/inventory/{sku}/restock',
    api.post(`/inventory/${uniqueName('none')}/restock`, { quantity: 3 }),
  );
  await check('post', '/customers/{id}/points', api.post(`/customers/${customerId}/points`, { amount: 500 }));
  await check('post', '/customers/{id}/points', api.post(`/customers/${customerId}/points`, {}));
  await check('post', '/coupons', api.post('/coupons', { code, amount: 200 }));
  await check('post', '/coupons', api.post('/coupons', { code, amount: 200 }));
  const placed = await check(
    'post',
    '/orders',
    api.post('/orders', {
      customerId,
      items: [{ sku, quantity: 1 }],
      payment: [
        { method: 'card', amount: 500, token: 'tok_ok' },
        { method: 'points', amount: 300 },
        { method: 'coupon', amount: 200, couponCode: code },
      ],
    }),
  );
  assert.is(placed.status, 202);
  await check('post', '/orders', api.post('/orders', { customerId, items: [{ sku, quantity: 1 }], payment: [] }));
  await check(
    'post',
    '/orders',
    api.post('/orders', {
      customerId,
      items: [{ sku, quantity: 1 }],
      payment: [{ method: 'card', amount: 1, token: 't' }],
    }),
  );
  const { orderId } = placed.body;
  await check('post', '/orders/{id}/cancel', api.post(`/orders/${orderId}/cancel`, { reason: 'changed my mind' }));
  await check('post', '/orders/{id}/cancel', api.post(`/orders/${orderId}/cancel`));
  await check('post', '/orders/{id}/cancel', api.post(`/orders/${uniqueName('none')}/cancel`));
  const hook = await check(
    'post',
    '/webhooks',
    api.post('/webhooks', { url: 'https://93.184.215.14/hook', events: ['order.confirmed'] }),
  );
  await check(
    'post',
    '/webhooks',
    api.post('/webhooks', { url: 'http://127.0.0.1/hook', events: ['order.confirmed'] }),
  );
  await check('get', '/webhooks', api.get('/webhooks'));
  await check('get', '/webhooks/{id}', api.get(`/webhooks/${hook.body.id}`));
  await check('get', '/webhooks/{id}', api.get(`/webhooks/${uniqueName('none')}`));
  await check('delete', '/webhooks/{id}', api.send(`/webhooks/${hook.body.id}`, { method: 'DELETE' }));
  await check('delete', '/webhooks/{id}', api.send(`/webhooks/${hook.body.id}`, { method: 'DELETE' }));
  await check('get', '/openapi.json', api.get('/openapi.json'));
  await check('get', '/docs', api.get('/docs'));
  await check('get', '/docs/api-docs.js', api.get('/docs/api-docs.js'));
  await check('get', '/docs/api-docs.css', api.get('/docs/api-docs.css'));
  const customer = await api.tokens.bearer('customer', customerId);
  const paidOrder = randomUUID();
  await api.store.appendToStream(
    `payment-${paidOrder}`,
    [
      {
        id: randomUUID(),
        type: 'PaymentRequested',
        data: {
          orderId: paidOrder,
          customerId,
          parts: [{ method: 'card', amount: 5, token: 'sealed:v1:a.b.c' }],
          total: 5,
          requestedAt: new Date().toISOString(),
        },
      },
      {
        id: randomUUID(),
        type: 'PaymentDeclined',
        data: { orderId: paidOrder, reason: 'declined', declinedAt: new Date().toISOString() },
      },
    ],
    'no_stream',
  );
  await check('get', '/payments/{orderId}', api.get(`/payments/${paidOrder}`));
  await check('get', '/payments/{orderId}', api.get(`/payments/${randomUUID()}`));
  await check('get', '/customers/{id}/points', api.get(`/customers/${customerId}/points`));
  await check('get', '/customers/{id}/points', api.get(`/customers/someone-else/points`, customer));
  await check('post', '/sagas/{orderId}/retry', api.post(`/sagas/${randomUUID()}/retry`));
  await check('post', '/sagas/{orderId}/compensate', api.post(`/sagas/${randomUUID()}/compensate`, { reason: 'x' }));
  await check('get', '/coupons/{code}', api.get(`/coupons/${code}`));
  await check('get', '/coupons/{code}', api.get(`/coupons/${uniqueName('NONE')}`));
  await check('post', '/coupons', api.post('/coupons', { code, amount: 200 }, { authorization: '' }));
  await check('post', '/inventory', api.post('/inventory', {}, { authorization: 'Bearer x.y.z' }));
  await check('post', '/customers/{id}/points', api.post(`/customers/${customerId}/points`, { amount: 1 }, customer));
  await check(
    'post',
    '/orders',
    api.post(
      '/orders',
      {
        customerId: 'someone-else',
        items: [{ sku, quantity: 1 }],
        payment: [{ method: 'card', amount: 500, token: 'tok_ok' }],
      },
      customer,
    ),
  );

  const statuses = new Set<string>();
  for (const [method, path, answer] of seen) {
    statuses.add(`${method} ${path} ${answer.status}`);
    if (path === '/openapi.json' || path.startsWith('/docs')) continue;
    conformance.check(method, path, answer);
  }
  for (const expected of [
    'post /inventory 201',
    'post /inventory 409',
    'post /inventory 400',
    'post /inventory/{sku}/restock 202',
    'post /inventory/{sku}/restock 404',
    'post /orders 202',
    'post /orders 400',
    'post /orders 422',
    'post /orders/{id}/cancel 202',
    'post /orders/{id}/cancel 422',
    'post /orders/{id}/cancel 404',
    'post /coupons 401',
    'post /inventory 401',
    'post /customers/{id}/points 403',
    'post /orders 403',
    'get /payments/{orderId} 200',
    'get /payments/{orderId} 404',
    'get /customers/{id}/points 200',
    'get /customers/{id}/points 403',
    'get /coupons/{code} 200',
    'get /coupons/{code} 404',
    'post /webhooks 201',
    'post /webhooks 400',
    'get /webhooks 200',
    'get /webhooks/{id} 200',
    'get /webhooks/{id} 404',
    'delete /webhooks/{id} 204',
    'delete /webhooks/{id} 404',
  ]) {
    assert.ok(statuses.has(expected), `exercised ${expected}`);
  }
  assert.equal(conformance.uncovered(), []);
});

openapi.run();

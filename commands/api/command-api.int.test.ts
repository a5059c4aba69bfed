import { request } from 'node:http';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { uniqueName } from '../../test/support/names.ts';
import { type Answer, type RunningCommandApi, startCommandApi, storeWith } from './command-api-harness.ts';

const context = { api: undefined as unknown as RunningCommandApi };
const http = suite('command API over HTTP', context);
http.before(async (ctx) => {
  ctx.api = await startCommandApi();
});
http.after(async (ctx) => {
  await ctx.api.close();
});

const isProblem = (answer: Answer, status: number, rule: string) => {
  assert.is(answer.status, status);
  assert.is(answer.headers.get('content-type'), 'application/problem+json');
  assert.is(answer.body.type, `https://errors.orders.local/${rule}`);
  assert.is(answer.body.status, status);
  assert.type(answer.body.title, 'string');
  assert.type(answer.body.detail, 'string');
};

const coupon = () => JSON.stringify({ code: uniqueName('C'), amount: 100 });

http('415 for a body that is not JSON', async ({ api }) => {
  const text = await api.send('/coupons', {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: coupon(),
  });
  isProblem(text, 415, 'unsupported_media_type');
  const form = await api.send('/coupons', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'code=A&amount=1',
  });
  isProblem(form, 415, 'unsupported_media_type');
  const latin = await api.send('/coupons', {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=latin1' },
    body: coupon(),
  });
  isProblem(latin, 415, 'unsupported_media_type');
});

http('a +json media type and an explicit utf-8 charset are JSON', async ({ api }) => {
  for (const type of ['application/vnd.orders+json', 'application/json; charset=UTF-8']) {
    const answer = await api.send('/coupons', { method: 'POST', headers: { 'content-type': type }, body: coupon() });
    assert.is(answer.status, 201, type);
  }
});

http('400 malformed_json for a body that does not parse, or is not UTF-8', async ({ api }) => {
  const broken = await api.send('/coupons', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"code": "A", amount: }',
  });
  isProblem(broken, 400, 'malformed_json');
  const binary = await api.send('/coupons', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
  });
  isProblem(binary, 400, 'malformed_json');
});

http('400 naming the body when it is JSON but not an object', async ({ api }) => {
  const answer = await api.post('/coupons', [1, 2, 3]);
  isProblem(answer, 400, 'validation');
  assert.equal(answer.body.errors, [{ field: 'body', message: 'must be a JSON object' }]);
});

http('413 for a declared body over 64 KiB, nothing written', async ({ api }) => {
  const code = uniqueName('BIG');
  const body = JSON.stringify({ code, amount: 1, padding: 'x'.repeat(70 * 1024) });
  const answer = await api.send('/coupons', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  isProblem(answer, 413, 'payload_too_large');
  assert.is((await api.store.readStream(`coupon-${code}`)).length, 0);
});

http('413 for a chunked body that grows over 64 KiB while read', async ({ api }) => {
  const operator = await api.tokens.bearer('operator', 'test-operator');
  const answer = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
    const sent = request(`${api.url}/coupons`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...operator },
    });
    sent.on('response', (response) => {
      let body = '';
      response.on('data', (chunk) => {
        body += chunk;
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, type: response.headers['content-type'] ?? '', body }),
      );
    });
    sent.on('error', reject);
    sent.write('{"code":"X","amount":1,"padding":"');
    for (let i = 0; i < 80; i++) sent.write('y'.repeat(1024));
    sent.end('"}');
  });
  assert.is(answer.status, 413);
  assert.is(answer.type, 'application/problem+json');
  assert.is(JSON.parse(answer.body).type, 'https://errors.orders.local/payload_too_large');
});

http('a body just under the limit is read', async ({ api }) => {
  const code = uniqueName('FIT');
  const body = JSON.stringify({ code, amount: 1, padding: 'z'.repeat(60 * 1024) });
  const answer = await api.send('/coupons', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  assert.is(answer.status, 201);
});

http('404 problem for an unknown route, 405 with Allow for a wrong method', async ({ api }) => {
  isProblem(await api.get('/nowhere'), 404, 'route_not_found');
  const wrongMethod = await api.send('/orders', { method: 'DELETE' });
  isProblem(wrongMethod, 405, 'method_not_allowed');
  assert.match(wrongMethod.headers.get('allow') ?? '', 'POST');
});

const failures = suite('command API failures', context);
failures.before(async (ctx) => {
  ctx.api = await startCommandApi({
    wrapStore: (store) =>
      storeWith(store, {
        readStream: async (streamId) => {
          if (streamId.includes('boom')) throw new Error('connection to 10.0.0.7:5432 lost; password=hunter2');
          return store.readStream(streamId);
        },
      }),
  });
});
failures.after(async (ctx) => {
  await ctx.api.close();
});

failures('500 for an unexpected error: logged, nothing internal in the answer', async ({ api }) => {
  const answer = await api.post('/coupons', { code: uniqueName('boom'), amount: 1 });
  isProblem(answer, 500, 'internal');
  assert.equal(answer.body, {
    type: 'https://errors.orders.local/internal',
    title: 'Internal Server Error',
    status: 500,
    detail: 'an unexpected error occurred; it has been logged',
  });
  assert.is(api.errorsLogged.length, 1);
  assert.match((api.errorsLogged[0] as Error).message, 'hunter2');
});

failures('other requests are unaffected', async ({ api }) => {
  assert.is((await api.post('/coupons', { code: uniqueName('fine'), amount: 1 })).status, 201);
});

http.run();
failures.run();

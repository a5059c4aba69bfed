import { randomBytes } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { secretBox } from '../webhooks/secret-box.ts';
import { type RunningCommandApi, startCommandApi } from './command-api-harness.ts';

const context = { api: undefined as unknown as RunningCommandApi };
const routes = suite('command API: /webhooks', context);
routes.before(async (ctx) => {
  ctx.api = await startCommandApi();
});
routes.after(async (ctx) => {
  await ctx.api.close();
});

const publicUrl = 'https://93.184.215.14/hooks/orders';

routes('subscribe, read, list and delete; the secret is shown once', async ({ api }) => {
  const created = await api.post('/webhooks', {
    url: publicUrl,
    events: ['order.confirmed', 'order.cancelled'],
    customerId: 'customer-7',
  });
  assert.is(created.status, 201, JSON.stringify(created.body));
  const { id, secret } = created.body;
  assert.match(id, /^wh_/);
  assert.match(secret, /^whsec_[A-Za-z0-9+/]{32}$/);
  assert.is(created.headers.get('location'), `/webhooks/${id}`);
  assert.equal(
    { ...created.body, createdAt: undefined },
    {
      id,
      url: publicUrl,
      events: ['order.confirmed', 'order.cancelled'],
      customerId: 'customer-7',
      status: 'enabled',
      secret,
      createdAt: undefined,
    },
  );

  const one = await api.get(`/webhooks/${id}`);
  assert.is(one.status, 200);
  assert.is(one.body.secret, undefined, 'never shown again');
  assert.is(one.body.url, publicUrl);
  const all = await api.get('/webhooks');
  assert.is(all.status, 200);
  assert.ok(all.body.items.some((item: { id: string }) => item.id === id));
  assert.not.ok(JSON.stringify(all.body).includes(secret));

  assert.is((await api.send(`/webhooks/${id}`, { method: 'DELETE' })).status, 204);
  assert.is((await api.get(`/webhooks/${id}`)).status, 404);
  assert.is((await api.send(`/webhooks/${id}`, { method: 'DELETE' })).status, 404);
  assert.not.ok((await api.get('/webhooks')).body.items.some((item: { id: string }) => item.id === id));
});

routes('a URL on a private, loopback or link-local host is refused with a 400 naming the rule', async ({ api }) => {
  for (const url of [
    'http://127.0.0.1:8080/hook',
    'http://localhost/hook',
    'https://10.0.0.5/hook',
    'http://192.168.1.20/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]/hook',
    'http://[fe80::1]/hook',
  ]) {
    const answer = await api.post('/webhooks', { url, events: ['order.confirmed'] });
    assert.is(answer.status, 400, url);
    assert.is(answer.headers.get('content-type'), 'application/problem+json');
    assert.match(answer.body.type, /\/webhook_url_private_host$/, url);
    assert.match(answer.body.detail, 'webhook_url_private_host');
    assert.is(answer.body.errors[0].field, 'url');
    assert.match(answer.body.errors[0].message, 'private, loopback or link-local');
  }
  assert.is((await api.get('/webhooks')).body.items.length, 0, 'nothing stored');
});

routes('malformed subscriptions are 400 with the field and what is wrong', async ({ api }) => {
  const cases: [unknown, string, string][] = [
    [{ url: 'ftp://93.184.215.14/x', events: ['order.confirmed'] }, 'url', 'http or https'],
    [{ url: 'not a url', events: ['order.confirmed'] }, 'url', 'http or https'],
    [{ url: 'https://user:pw@93.184.215.14/', events: ['order.confirmed'] }, 'url', 'user name or password'],
    [{ events: ['order.confirmed'] }, 'url', 'is required'],
    [{ url: publicUrl, events: [] }, 'events', '1 to 3'],
    [{ url: publicUrl, events: ['order.shipped'] }, 'events[0]', 'must be one of'],
    [{ url: publicUrl, events: ['order.confirmed', 'order.confirmed'] }, 'events', 'twice'],
    [{ url: publicUrl, events: ['order.confirmed'], customerId: 42 }, 'customerId', 'string'],
  ];
  for (const [body, field, message] of cases) {
    const answer = await api.post('/webhooks', body);
    assert.is(answer.status, 400, JSON.stringify(body));
    const error = answer.body.errors.find((e: { field: string }) => e.field === field);
    assert.ok(error, `${JSON.stringify(body)}: ${JSON.stringify(answer.body.errors)}`);
    assert.match(error.message, message);
  }
  assert.is((await api.get('/webhooks/%20')).status, 400);
  assert.is((await api.get('/webhooks/wh_none')).status, 404);
});

routes('WEBHOOK_ALLOW_PRIVATE=true lets local receivers in; a data key seals the secret at rest', async () => {
  const key = randomBytes(32);
  const local = await startCommandApi({});
  const api = await startCommandApi({
    webhooks: { db: local.pool, secrets: secretBox(key), urlPolicy: { allowPrivate: true } },
  });
  try {
    const created = await api.post('/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['order.refunded'] });
    assert.is(created.status, 201, JSON.stringify(created.body));
    const { rows } = await local.pool.query('SELECT secret FROM webhook_subscriptions WHERE id = $1', [
      created.body.id,
    ]);
    assert.match(rows[0].secret, /^sealed:v1:/);
    assert.not.ok(rows[0].secret.includes(created.body.secret.slice('whsec_'.length)));
    assert.is(secretBox(key).open(rows[0].secret), created.body.secret);
  } finally {
    await api.close();
    await local.close();
  }
});

routes.run();

import { randomBytes, randomUUID } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type RunningCommandApi, startCommandApi } from '../commands/api/command-api-harness.ts';
import { mintToken } from '../platform/auth/token-minter.ts';
import { type RunningReadApi, startReadApi } from '../read-api/read-api-harness.ts';
import { uniqueName } from './support/names.ts';
import { type TestTokens, testTokens } from './support/tokens.ts';

/**
 * Issue 13's table: every route of both APIs, with each kind of credential, answers the status its
 * cell says. The APIs check `iss` and `aud` here, so a token from another issuer is one of the columns.
 */
const issuer = 'https://id.orders.test/';
const audience = 'orders-api';
const owner = 'customer-owner';
const stranger = 'customer-stranger';

type Column =
  | 'no token'
  | 'expired'
  | 'bad signature'
  | 'alg none'
  | 'wrong issuer'
  | 'customer own'
  | "customer other's"
  | 'operator';

const invalid: Column[] = ['expired', 'bad signature', 'alg none', 'wrong issuer'];

interface World {
  commands: RunningCommandApi;
  reads: RunningReadApi;
  tokens: TestTokens;
  sku: string;
  /** An order of `owner` on each side: pending in the store, confirmed with its saga in the read models. */
  commandOrder(): Promise<string>;
  readOrder: string;
  /** An order of `owner` with a payment stream, and a coupon, on the command side. */
  paidOrder: string;
  coupon: string;
}

interface Request {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
}

interface Row {
  api: 'commands' | 'reads';
  route: string;
  /** The request a column sends; `own` is false only for "customer other's". */
  request(world: World, own: boolean): Promise<Request> | Request;
  /** Statuses for the three valid columns; the invalid ones are 401 unless the route is open. */
  own: number;
  other: number;
  operator: number;
  open?: boolean;
}

const order = (world: World, customerId?: string) => ({
  ...(customerId === undefined ? {} : { customerId }),
  items: [{ sku: world.sku, quantity: 1 }],
  payment: [{ method: 'card', amount: 100, token: 'tok_ok' }],
});

const rows: Row[] = [
  {
    api: 'commands',
    route: 'GET /health',
    request: () => ({ method: 'GET', path: '/health' }),
    own: 200,
    other: 200,
    operator: 200,
    open: true,
  },
  {
    api: 'commands',
    route: 'GET /openapi.json',
    request: () => ({ method: 'GET', path: '/openapi.json' }),
    own: 200,
    other: 200,
    operator: 200,
    open: true,
  },
  {
    api: 'commands',
    route: 'POST /inventory',
    request: () => ({
      method: 'POST',
      path: '/inventory',
      body: { sku: uniqueName('sku'), name: 'Mug', unitPrice: 100, initialStock: 5 },
    }),
    own: 403,
    other: 403,
    operator: 201,
  },
  {
    api: 'commands',
    route: 'POST /inventory/:sku/restock',
    request: (world) => ({ method: 'POST', path: `/inventory/${world.sku}/restock`, body: { quantity: 1 } }),
    own: 403,
    other: 403,
    operator: 202,
  },
  {
    api: 'commands',
    route: 'POST /customers/:id/points',
    request: () => ({ method: 'POST', path: `/customers/${owner}/points`, body: { amount: 10 } }),
    own: 403,
    other: 403,
    operator: 202,
  },
  {
    api: 'commands',
    route: 'POST /coupons',
    request: () => ({ method: 'POST', path: '/coupons', body: { code: uniqueName('C'), amount: 100 } }),
    own: 403,
    other: 403,
    operator: 201,
  },
  {
    api: 'commands',
    route: 'POST /orders',
    // The customer's own order leaves customerId out; the other column names someone else; the operator names the owner.
    request: (world, own) => ({ method: 'POST', path: '/orders', body: order(world, own ? undefined : owner) }),
    own: 202,
    other: 403,
    operator: 400,
  },
  {
    api: 'commands',
    route: 'POST /orders (operator names the customer)',
    request: (world) => ({ method: 'POST', path: '/orders', body: order(world, owner) }),
    own: 202,
    other: 403,
    operator: 202,
  },
  {
    api: 'commands',
    route: 'POST /orders/:id/cancel',
    request: async (world) => ({ method: 'POST', path: `/orders/${await world.commandOrder()}/cancel`, body: {} }),
    own: 202,
    other: 404,
    operator: 202,
  },
  {
    api: 'commands',
    route: 'GET /payments/:orderId',
    request: (world) => ({ method: 'GET', path: `/payments/${world.paidOrder}` }),
    own: 200,
    other: 404,
    operator: 200,
  },
  {
    api: 'commands',
    route: 'GET /customers/:id/points',
    request: () => ({ method: 'GET', path: `/customers/${owner}/points` }),
    own: 200,
    other: 403,
    operator: 200,
  },
  {
    api: 'commands',
    route: 'GET /coupons/:code',
    request: (world) => ({ method: 'GET', path: `/coupons/${world.coupon}` }),
    own: 403,
    other: 403,
    operator: 200,
  },
  {
    api: 'commands',
    route: 'POST /webhooks',
    request: () => ({
      method: 'POST',
      path: '/webhooks',
      body: { url: 'https://93.184.215.14/hooks', events: ['order.confirmed'] },
    }),
    own: 403,
    other: 403,
    operator: 201,
  },
  {
    api: 'commands',
    route: 'GET /webhooks',
    request: () => ({ method: 'GET', path: '/webhooks' }),
    own: 403,
    other: 403,
    operator: 200,
  },
  {
    api: 'commands',
    route: 'GET /webhooks/:id',
    request: () => ({ method: 'GET', path: '/webhooks/wh_none' }),
    own: 403,
    other: 403,
    operator: 404,
  },
  {
    api: 'commands',
    route: 'DELETE /webhooks/:id',
    request: () => ({ method: 'DELETE', path: '/webhooks/wh_none' }),
    own: 403,
    other: 403,
    operator: 404,
  },
  {
    api: 'commands',
    route: 'POST /sagas/:orderId/retry',
    // No saga runs for this order: past the access check an operator gets the saga's own answer, 404.
    request: () => ({ method: 'POST', path: `/sagas/${randomUUID()}/retry` }),
    own: 403,
    other: 403,
    operator: 404,
  },
  {
    api: 'commands',
    route: 'POST /sagas/:orderId/compensate',
    request: () => ({ method: 'POST', path: `/sagas/${randomUUID()}/compensate`, body: { reason: 'test' } }),
    own: 403,
    other: 403,
    operator: 404,
  },
  {
    api: 'reads',
    route: 'GET /inventory',
    request: () => ({ method: 'GET', path: '/inventory' }),
    own: 403,
    other: 403,
    operator: 200,
  },
  {
    api: 'reads',
    route: 'GET /health',
    request: () => ({ method: 'GET', path: '/health' }),
    own: 200,
    other: 200,
    operator: 200,
    open: true,
  },
  {
    api: 'reads',
    route: 'GET / (the static page)',
    request: () => ({ method: 'GET', path: '/' }),
    own: 200,
    other: 200,
    operator: 200,
    open: true,
  },
  {
    api: 'reads',
    route: 'GET /orders',
    request: () => ({ method: 'GET', path: `/orders?customerId=${owner}` }),
    own: 200,
    other: 403,
    operator: 200,
  },
  {
    api: 'reads',
    route: 'GET /orders/:id',
    request: (world) => ({ method: 'GET', path: `/orders/${world.readOrder}` }),
    own: 200,
    other: 404,
    operator: 200,
  },
  {
    api: 'reads',
    route: 'GET /sagas',
    request: () => ({ method: 'GET', path: '/sagas' }),
    own: 403,
    other: 403,
    operator: 200,
  },
  {
    api: 'reads',
    route: 'GET /sagas/:orderId',
    request: (world) => ({ method: 'GET', path: `/sagas/${world.readOrder}` }),
    own: 200,
    other: 404,
    operator: 200,
  },
  {
    api: 'reads',
    route: 'GET /inventory/:sku',
    request: (world) => ({ method: 'GET', path: `/inventory/${world.sku}` }),
    own: 200,
    other: 200,
    operator: 200,
  },
  {
    api: 'reads',
    route: 'GET /dashboard/summary',
    request: () => ({ method: 'GET', path: '/dashboard/summary' }),
    own: 403,
    other: 403,
    operator: 200,
  },
  {
    api: 'reads',
    route: 'POST /dashboard/events/tickets',
    request: () => ({ method: 'POST', path: '/dashboard/events/tickets' }),
    own: 403,
    other: 403,
    operator: 201,
  },
  {
    api: 'reads',
    route: 'GET /dashboard/events',
    request: () => ({ method: 'GET', path: '/dashboard/events' }),
    own: 403,
    other: 403,
    operator: 200,
  },
];

const columns: Column[] = ['no token', ...invalid, 'customer own', "customer other's", 'operator'];

const unsigned = (payload: Record<string, unknown>) =>
  `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;

const authorizationFor = async (world: World, column: Column): Promise<string> => {
  const settings = world.tokens.settings;
  const hour = 3_600;
  const now = Math.floor(Date.now() / 1000);
  switch (column) {
    case 'no token':
      return '';
    case 'expired':
      return mintToken(settings, {
        role: 'operator',
        subject: 'op',
        ttlSeconds: hour,
        now: new Date(Date.now() - 2 * hour * 1000),
      });
    case 'bad signature': {
      const other = {
        ...settings,
        keys: { kind: 'secret' as const, secret: randomBytes(32), source: 'environment' as const },
      };
      return mintToken(other, { role: 'operator', subject: 'op', ttlSeconds: hour });
    }
    case 'alg none':
      return unsigned({ sub: 'op', roles: ['operator'], iss: issuer, aud: audience, iat: now, exp: now + hour });
    case 'wrong issuer':
      return mintToken(
        { ...settings, issuer: 'https://elsewhere.test/' },
        { role: 'operator', subject: 'op', ttlSeconds: hour },
      );
    case 'customer own':
      return world.tokens.token('customer', owner);
    case "customer other's":
      return world.tokens.token('customer', stranger);
    case 'operator':
      return world.tokens.token('operator', 'op');
  }
};

const expected = (row: Row, column: Column): number => {
  if (column === 'customer own') return row.own;
  if (column === "customer other's") return row.other;
  if (column === 'operator') return row.operator;
  return row.open ? row.own : 401;
};

const matrix = suite('access: every route x every kind of credential', { world: undefined as unknown as World });

matrix.before(async (ctx) => {
  const tokens = testTokens({ issuer, audience });
  const [commands, reads] = await Promise.all([
    startCommandApi({ verifyToken: tokens.verifyToken }),
    startReadApi({ verifyToken: tokens.verifyToken }),
  ]);
  const operator = { authorization: `Bearer ${await tokens.token('operator', 'setup')}` };
  const sku = uniqueName('sku');
  const registered = await commands.post(
    '/inventory',
    { sku, name: 'Mug', unitPrice: 100, initialStock: 1_000 },
    operator,
  );
  assert.is(registered.status, 201);
  const readOrder = randomUUID();
  const at = new Date().toISOString();
  await reads.seed.registerSku({ sku, name: 'Mug', unitPrice: 100, initialStock: 1_000 });
  await reads.seed.placeOrder({ orderId: readOrder, customerId: owner, at });
  await reads.seed.startSaga({ orderId: readOrder, customerId: owner, at });
  const commandOrder = async () => {
    const placed = await commands.post('/orders', order({ sku } as World, owner), operator);
    assert.is(placed.status, 202);
    return placed.body.orderId as string;
  };
  const paidOrder = randomUUID();
  await commands.store.appendToStream(
    `payment-${paidOrder}`,
    [
      {
        id: randomUUID(),
        type: 'PaymentRequested',
        data: {
          orderId: paidOrder,
          customerId: owner,
          parts: [{ method: 'points', amount: 1 }],
          total: 1,
          requestedAt: at,
        },
      },
    ],
    'no_stream',
  );
  const coupon = uniqueName('COUPON');
  assert.is((await commands.post('/coupons', { code: coupon, amount: 5 }, operator)).status, 201);
  ctx.world = { commands, reads, tokens, sku, commandOrder, readOrder, paidOrder, coupon };
});

matrix.after(async ({ world }) => {
  await Promise.all([world?.commands.close(), world?.reads.close()]);
});

matrix('each cell answers its status; 401 says Bearer, and invalid_token when a token came', async ({ world }) => {
  const wrong: string[] = [];
  for (const row of rows) {
    for (const column of columns) {
      const request = await row.request(world, column !== "customer other's");
      const base = row.api === 'commands' ? world.commands.url : world.reads.url;
      const authorization = await authorizationFor(world, column);
      const response = await fetch(`${base}${request.path}`, {
        method: request.method,
        headers: {
          ...(authorization === '' ? {} : { authorization: `Bearer ${authorization}` }),
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
      });
      const text = response.headers.get('content-type')?.startsWith('text/event-stream')
        ? (await response.body?.cancel(), '')
        : await response.text();
      const want = expected(row, column);
      if (response.status !== want)
        wrong.push(`${row.route} / ${column}: ${response.status}, want ${want} ${text.slice(0, 160)}`);
      if (response.status === 401) {
        const challenge = response.headers.get('www-authenticate') ?? '';
        const wanted =
          column === 'no token' ? /^Bearer realm="orders"$/ : /^Bearer realm="orders", error="invalid_token"/;
        if (!wanted.test(challenge)) wrong.push(`${row.route} / ${column}: WWW-Authenticate ${challenge}`);
      }
      if (response.status >= 400 && response.headers.get('content-type') !== 'application/problem+json') {
        wrong.push(`${row.route} / ${column}: ${response.status} is not a problem body`);
      }
    }
  }
  assert.equal(wrong, []);
});

matrix('every documented operation of both APIs has a row', async ({ world }) => {
  const covered = new Set(rows.map((row) => `${row.api} ${row.route.split(' (')[0]}`));
  for (const [api, url] of [
    ['commands', world.commands.url],
    ['reads', world.reads.url],
  ] as const) {
    const document = (await (await fetch(`${url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const method of Object.keys(operations)) {
        const route = `${api} ${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`;
        assert.ok(covered.has(route), `${route} has a row in the table`);
      }
    }
  }
});

matrix.run();

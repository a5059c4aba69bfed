import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type Answer, type RunningCommandApi, startCommandApi } from '../commands/api/command-api-harness.ts';
import { type RunningReadApi, startReadApi } from '../read-api/read-api-harness.ts';
import { encodeConsistencyToken } from '../schemas/consistency-token.ts';

/**
 * Property-based bad input (issue 12 item 9): arbitrary JSON values, strings and numbers thrown at
 * every route of both APIs, over real HTTP, on real PostgreSQL. Whatever comes in: never a 5xx, a
 * refusal is always a problem-details body, and a refused command stores nothing.
 */
const context = { commands: undefined as unknown as RunningCommandApi, reads: undefined as unknown as RunningReadApi };
const fuzz = suite('bad input at every route of both APIs', context);
fuzz.before(async (ctx) => {
  [ctx.commands, ctx.reads] = await Promise.all([startCommandApi(), startReadApi({ consistencyWaitMs: 300 })]);
});
fuzz.after(async (ctx) => {
  await Promise.all([ctx.commands.close(), ctx.reads.close()]);
});

const runs = Number(process.env.FUZZ_RUNS ?? 40);

/** Text a client might send: anything UTF-16 can hold, including NUL, control characters and lone surrogates. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ maxLength: 80 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udc00',
    '\n',
    'x'.repeat(65),
    'x'.repeat(201),
    '__proto__',
    '../..',
  ),
);
const anyNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1.5, 2 ** 31, 2 ** 53 - 1, 2 ** 53 + 2, 2 ** 63, 1e308, -0),
  fc.maxSafeInteger(),
);
const anyValue = fc.oneof(anyText, anyNumber, fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined));
/** An object with some of these keys, each holding something plausible or anything at all. */
const loose = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.record(Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, fc.oneof(value, anyValue)])), {
    requiredKeys: [],
  });
const body = (fields: Record<string, fc.Arbitrary<unknown>>) => fc.oneof(loose(fields), fc.jsonValue({ maxDepth: 3 }));

/** Percent-encodes UTF-16 code units as UTF-8 bytes, lone surrogates included (as their WTF-8 bytes). */
const pathSegment = (text: string) =>
  Array.from(text)
    .map((char) => {
      if (/^[A-Za-z0-9._~-]$/.test(char)) return char;
      const code = char.codePointAt(0) ?? 0;
      const bytes =
        code >= 0xd800 && code <= 0xdfff
          ? [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
          : [...Buffer.from(char, 'utf8')];
      return bytes.map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    })
    .join('') || '%20';
/** What an HTTP client can put in a header value: visible Latin-1 and spaces; DEL (0x7f) is refused by fetch itself. */
const headerText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0xfe }).map((code) => String.fromCharCode(code < 0x7f ? code : code + 1)),
  maxLength: 300,
});

const assertAnswered = (answer: Answer, what: string) => {
  assert.ok(answer.status < 500, `${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  if (answer.status >= 400) {
    assert.is(answer.headers.get('content-type'), 'application/problem+json', what);
    assert.type(answer.body.type, 'string', what);
    assert.type(answer.body.detail, 'string', what);
    assert.is(answer.body.status, answer.status, what);
  }
};

/** Sends a command request; a refusal must have stored nothing. */
const command = async (
  api: RunningCommandApi,
  path: string,
  payload: unknown,
  headers: Record<string, string> = {},
) => {
  const before = await api.countEvents();
  const answer = await api.send(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: payload === undefined ? undefined : JSON.stringify(payload),
  });
  const what = `POST ${path} ${JSON.stringify(payload)}`;
  assertAnswered(answer, what);
  if (answer.status >= 400) assert.is(await api.countEvents(), before, `${what} stored nothing`);
  return answer;
};

const property = <T>(arbitrary: fc.Arbitrary<T>, check: (value: T) => Promise<unknown>) =>
  fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      await check(value);
    }),
    { numRuns: runs },
  );

fuzz('the tampered inputs issue 12 names: 400 naming the field, at once', async ({ commands, reads }) => {
  for (const [field, value] of [
    ['sku', 'a\u0000b'],
    ['name', '\ud800'],
  ] as const) {
    const answer = await command(commands, '/inventory', {
      sku: 'mug',
      name: 'Mug',
      unitPrice: 1,
      initialStock: 1,
      [field]: value,
    });
    assert.is(answer.status, 400);
    assert.equal(
      answer.body.errors.map((error: { field: string }) => error.field),
      [field],
    );
  }
  const huge = await command(commands, '/inventory', {
    sku: 'mug',
    name: 'Mug',
    unitPrice: 2 ** 53 - 1,
    initialStock: 1,
  });
  assert.equal(
    huge.body.errors.map((error: { field: string }) => error.field),
    ['unitPrice'],
  );
  const order = await command(commands, '/orders', {
    customerId: 'c\u0000',
    items: [{ sku: 'mug', quantity: 1 }],
    payment: [{ method: 'card', amount: 1, token: '\udc00' }],
  });
  assert.equal(
    order.body.errors.map((error: { field: string }) => error.field),
    ['customerId', 'payment[0].token'],
  );

  const cursor = (at: string) => Buffer.from(JSON.stringify([at, 'o1'])).toString('base64url');
  for (const at of ['2025-13-01T00:00:00.000000Z', '0000-01-01T00:00:00.000000Z', '2025-02-30T00:00:00.000000Z']) {
    const answer = await reads.get(`/orders?cursor=${cursor(at)}`);
    assert.is(answer.status, 400, at);
    assert.equal(answer.body.errors, [{ field: 'cursor', message: 'must be a nextCursor from an earlier page' }]);
  }
  for (const token of ['order-1\u0000@1', `order-${randomUUID()}@9007199254740991`]) {
    const started = Date.now();
    const answer = await reads.get(`/orders/${randomUUID()}`, {
      'X-Consistency-Token': Buffer.from(token).toString('base64url'),
    });
    assert.is(answer.status, 400, token);
    assert.ok(Date.now() - started < 250, 'refused without waiting');
  }
});

fuzz('command API: POST /inventory and restock', async ({ commands }) => {
  await property(body({ sku: anyText, name: anyText, unitPrice: anyNumber, initialStock: anyNumber }), (payload) =>
    command(commands, '/inventory', payload),
  );
  await property(fc.tuple(anyText, body({ quantity: anyNumber })), ([sku, payload]) =>
    command(commands, `/inventory/${pathSegment(sku)}/restock`, payload),
  );
});

fuzz('command API: points and coupons', async ({ commands }) => {
  await property(fc.tuple(anyText, body({ amount: anyNumber })), ([id, payload]) =>
    command(commands, `/customers/${pathSegment(id)}/points`, payload),
  );
  await property(body({ code: anyText, amount: anyNumber }), (payload) => command(commands, '/coupons', payload));
});

fuzz('command API: POST /orders and cancel', async ({ commands }) => {
  const sku = `fuzz-${randomUUID()}`;
  await command(commands, '/inventory', { sku, name: 'Fuzz', unitPrice: 100, initialStock: 1_000_000 });
  const part = loose({
    method: fc.constantFrom('card', 'bnpl', 'points', 'coupon'),
    amount: fc.oneof(fc.constant(100), anyNumber),
    token: fc.oneof(fc.constant('tok_ok'), anyText),
    couponCode: anyText,
  });
  const order = body({
    customerId: anyText,
    items: fc.array(
      loose({ sku: fc.oneof(fc.constant(sku), anyText), quantity: fc.oneof(fc.constant(1), anyNumber) }),
      {
        maxLength: 4,
      },
    ),
    payment: fc.array(part, { maxLength: 6 }),
  });
  await property(fc.tuple(order, fc.option(headerText, { nil: undefined })), ([payload, key]) =>
    command(commands, '/orders', payload, key === undefined ? {} : { 'Idempotency-Key': key }),
  );
  await property(fc.tuple(anyText, body({ reason: anyText })), ([id, payload]) =>
    command(commands, `/orders/${pathSegment(id)}/cancel`, payload),
  );
});

fuzz('command API: webhook subscriptions', async ({ commands }) => {
  const url = fc.oneof(
    anyText,
    fc.webUrl({ validSchemes: ['http', 'https', 'ftp'], withQueryParameters: true }),
    fc.constantFrom('http://127.0.0.1/x', 'http://[::1]/', 'http://169.254.169.254/', 'https://93.184.215.14/h'),
  );
  const events = fc.oneof(
    fc.array(fc.oneof(fc.constantFrom('order.confirmed', 'order.cancelled', 'order.refunded'), anyText), {
      maxLength: 4,
    }),
    anyValue,
  );
  await property(body({ url, events, customerId: anyText }), async (payload) => {
    const answer = await commands.send('/webhooks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    assertAnswered(answer, `POST /webhooks ${JSON.stringify(payload)}`);
    if (answer.status === 201) assert.match(answer.body.secret, /^whsec_/);
  });
  await property(anyText, async (id) => {
    for (const method of ['GET', 'DELETE']) {
      assertAnswered(await commands.send(`/webhooks/${pathSegment(id)}`, { method }), `${method} /webhooks/${id}`);
    }
  });
});

fuzz('command API: bodies that are not JSON objects, and unknown routes', async ({ commands }) => {
  await property(
    fc.tuple(fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom('/inventory', '/coupons', '/orders')),
    async ([text, path]) => {
      const answer = await commands.send(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: text,
      });
      assertAnswered(answer, `POST ${path} ${JSON.stringify(text)}`);
    },
  );
  await property(anyText, async (text) => {
    const answer = await commands.send(`/${pathSegment(text)}`, { method: 'GET' });
    assertAnswered(answer, `GET /${text}`);
  });
});

const query = (values: Record<string, string | undefined>) =>
  Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${pathSegment(value as string)}`)
    .join('&');

fuzz('query API: every route with arbitrary parameters and consistency tokens', async ({ reads }) => {
  const maybe = (arbitrary: fc.Arbitrary<string>) => fc.option(arbitrary, { nil: undefined });
  const token = fc.oneof(
    headerText,
    fc.tuple(anyText, anyNumber).map(([streamId, version]) => encodeConsistencyToken({ streamId, version })),
    fc
      .tuple(fc.constantFrom('order-', 'saga-', 'inventory-'), fc.uuid(), fc.bigInt({ min: 0n, max: 10n ** 30n }))
      .map(([kind, id, version]) => Buffer.from(`${kind}${id}@${version}`).toString('base64url')),
  );
  const get = async (path: string, consistency: string | undefined) => {
    const answer = await reads.get(path, consistency === undefined ? {} : { 'X-Consistency-Token': consistency });
    assertAnswered(answer, `GET ${path} (token ${consistency})`);
  };
  const paths = fc.oneof(
    fc
      .record({ customerId: maybe(anyText), status: maybe(anyText), limit: maybe(anyText), cursor: maybe(anyText) })
      .map((values) => `/orders?${query(values)}`),
    fc
      .record({ state: maybe(anyText), limit: maybe(anyText), cursor: maybe(anyText) })
      .map((values) => `/sagas?${query(values)}`),
    anyText.map((id) => `/orders/${pathSegment(id)}`),
    anyText.map((id) => `/sagas/${pathSegment(id)}`),
    anyText.map((sku) => `/inventory/${pathSegment(sku)}`),
    fc.record({ limit: maybe(anyText), cursor: maybe(anyText) }).map((values) => `/inventory?${query(values)}`),
    anyText.map((ticket) => `/dashboard/events?ticket=${pathSegment(ticket)}`),
    anyText.map((junk) => `/dashboard/summary?${pathSegment(junk)}`),
    anyText.map((junk) => `/${pathSegment(junk)}`),
  );
  await property(fc.tuple(paths, maybe(token)), ([path, consistency]) => get(path, consistency));
});

fuzz(
  'both APIs: arbitrary Authorization headers are a 401 (or 200 on an open route), never a 5xx',
  async ({ commands, reads }) => {
    const jwtLike = fc
      .tuple(anyText, anyText, anyText)
      .map((parts) => parts.map((part) => Buffer.from(part).toString('base64url')).join('.'));
    const authorization = fc.oneof(
      headerText,
      headerText.map((text) => `Bearer ${text}`),
      jwtLike.map((token) => `Bearer ${token}`),
      fc.constantFrom(
        'Bearer',
        'Bearer ',
        'bearer x',
        'Basic dXNlcjpwYXNz',
        'Bearer a.b.c',
        'Bearer eyJhbGciOiJub25lIn0.e30.',
      ),
    );
    await property(
      fc.tuple(authorization, fc.constantFrom('/orders', '/sagas', '/inventory/x', '/dashboard/summary', '/health')),
      async ([header, path]) => {
        const answer = await reads.get(path, { authorization: header });
        assertAnswered(answer, `GET ${path} with Authorization ${JSON.stringify(header)}`);
        assert.ok([200, 401].includes(answer.status), `${answer.status} for ${JSON.stringify(header)}`);
        if (answer.status === 401) assert.match(answer.headers.get('www-authenticate') ?? '', /^Bearer realm="orders"/);
      },
    );
    await property(
      fc.tuple(authorization, fc.constantFrom('/orders', '/coupons', '/inventory')),
      async ([header, path]) => {
        const answer = await command(commands, path, { sku: 'x' }, { authorization: header });
        assert.is(answer.status, 401, `${answer.status} for ${JSON.stringify(header)}`);
      },
    );
  },
);

fuzz.run();

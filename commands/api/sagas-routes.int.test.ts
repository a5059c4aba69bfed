import { randomUUID } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { inputs, sagaHistory } from '../../domain/order-saga/examples.ts';
import { type RunningCommandApi, startCommandApi } from './command-api-harness.ts';

/** The operators' saga requests over HTTP, on a saga stuck the way the saga's own specs leave it. */
const context = { api: undefined as unknown as RunningCommandApi };
const sagas = suite('POST /sagas/:orderId/retry and /compensate', context);
sagas.before(async (ctx) => {
  ctx.api = await startCommandApi();
  // Order o1 of the saga examples: two lines reserved, the third failed for good, so the saga is stuck.
  const stuck = sagaHistory([
    inputs.placed(),
    inputs.reserved('sku-b'),
    inputs.reserved('sku-c'),
    inputs.failed('reserve:sku-a#1', { error: 'boom', transient: false }),
  ]);
  await ctx.api.store.appendToStream(
    'saga-o1',
    stuck.map((event) => ({ id: randomUUID(), type: event.type, data: event.data })),
    'no_stream',
  );
});
sagas.after(async (ctx) => {
  await ctx.api.close();
});

sagas('retry resumes a stuck saga (202); a second retry finds it running (409 saga_not_stuck)', async ({ api }) => {
  const operator = await api.tokens.bearer('operator', 'olga');
  const resumed = await api.post('/sagas/o1/retry', undefined, operator);
  assert.is(resumed.status, 202, JSON.stringify(resumed.body));
  assert.equal(resumed.body, { orderId: 'o1', requested: 'retry' });
  assert.ok(resumed.headers.get('x-consistency-token'));
  const events = await api.store.readStream('saga-o1');
  const written = events.filter((event) => event.metadata.actorSubject === 'olga');
  assert.ok(
    written.some((event) => event.type === 'SagaResumed'),
    'the audit trail names the operator',
  );
  assert.ok(written.every((event) => event.metadata.actorRole === 'operator'));
  const again = await api.post('/sagas/o1/retry', undefined, operator);
  assert.is(again.status, 409);
  assert.is(again.body.type, 'https://errors.orders.local/saga_not_stuck');
});

sagas(
  'compensate starts compensation (202); a second one is 409; an order without a saga 404; customers 403',
  async ({ api }) => {
    const started = await api.post('/sagas/o1/compensate', { reason: 'gateway down all day' });
    assert.is(started.status, 202, JSON.stringify(started.body));
    assert.equal(started.body, { orderId: 'o1', requested: 'compensate' });
    const events = await api.store.readStream('saga-o1');
    assert.ok(events.some((event) => event.type === 'SagaCompensationStarted'));
    const again = await api.post('/sagas/o1/compensate', {});
    assert.is(again.status, 409);
    assert.is(again.body.type, 'https://errors.orders.local/saga_already_compensating');
    assert.is((await api.post(`/sagas/${randomUUID()}/retry`)).status, 404);
    assert.is((await api.post(`/sagas/${randomUUID()}/compensate`, {})).status, 404);
    const customer = await api.tokens.bearer('customer', 'c1');
    assert.is((await api.post('/sagas/o1/retry', undefined, customer)).status, 403);
  },
);

sagas.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeConsistencyToken } from '../../schemas/consistency-token.ts';
import { uniqueName } from '../../test/support/names.ts';
import { type RunningCommandApi, startCommandApi, tokenOf } from './command-api-harness.ts';

const points = suite('POST /customers/:id/points', { api: undefined as unknown as RunningCommandApi });
points.before(async (ctx) => {
  ctx.api = await startCommandApi();
});
points.after(async (ctx) => {
  await ctx.api.close();
});

points('202 with the balance after each grant, and a consistency token', async ({ api }) => {
  const customerId = uniqueName('customer');
  const first = await api.post(`/customers/${customerId}/points`, { amount: 300 });
  assert.is(first.status, 202);
  assert.equal(first.body, { customerId, granted: 300, balance: 300 });
  const second = await api.post(`/customers/${customerId}/points`, { amount: 50 });
  assert.equal(second.body, { customerId, granted: 50, balance: 350 });
  const events = await api.store.readStream(`points-${customerId}`);
  assert.equal(
    events.map((event) => event.type),
    ['PointsGranted', 'PointsGranted'],
  );
  assert.is(second.headers.get('x-consistency-token'), tokenOf(events[1]));
  assert.is(first.headers.get('x-consistency-token'), tokenOf(events[0]));
  assert.equal(decodeConsistencyToken(second.headers.get('x-consistency-token') ?? ''), {
    streamId: `points-${customerId}`,
    version: 1,
  });
});

points('the caller X-Correlation-Id is recorded on the event', async ({ api }) => {
  const customerId = uniqueName('customer');
  await api.post(`/customers/${customerId}/points`, { amount: 1 }, { 'x-correlation-id': 'campaign-42' });
  const [event] = await api.store.readStream(`points-${customerId}`);
  assert.is(event?.metadata.correlationId, 'campaign-42');
});

points('400 for a missing or non-integer amount, and for one out of range', async ({ api }) => {
  const customerId = uniqueName('customer');
  const missing = await api.post(`/customers/${customerId}/points`, {});
  assert.is(missing.status, 400);
  assert.equal(missing.body.errors, [{ field: 'amount', message: 'is required' }]);
  const text = await api.post(`/customers/${customerId}/points`, { amount: '5' });
  assert.equal(text.body.errors, [{ field: 'amount', message: 'must be an integer' }]);
  const negative = await api.post(`/customers/${customerId}/points`, { amount: -5 });
  assert.is(negative.status, 400);
  assert.is(negative.body.errors[0].field, 'amount');
  assert.is((await api.store.readStream(`points-${customerId}`)).length, 0);
});

points('400 for a customer id longer than 64 characters', async ({ api }) => {
  const answer = await api.post(`/customers/${'c'.repeat(65)}/points`, { amount: 1 });
  assert.is(answer.status, 400);
  assert.equal(answer.body.errors, [{ field: 'id', message: 'must be at most 64 characters' }]);
});

points.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { uniqueName } from '../../test/support/names.ts';
import { type RunningCommandApi, startCommandApi, tokenOf } from './command-api-harness.ts';

const coupons = suite('POST /coupons', { api: undefined as unknown as RunningCommandApi });
coupons.before(async (ctx) => {
  ctx.api = await startCommandApi();
});
coupons.after(async (ctx) => {
  await ctx.api.close();
});

coupons('201 with the coupon and a consistency token', async ({ api }) => {
  const code = uniqueName('SAVE');
  const answer = await api.post('/coupons', { code, amount: 500 });
  assert.is(answer.status, 201);
  assert.equal(answer.body, { code, amount: 500, status: 'available' });
  const [event] = await api.store.readStream(`coupon-${code}`);
  assert.is(event?.type, 'CouponCreated');
  assert.is(answer.headers.get('x-consistency-token'), tokenOf(event));
});

coupons('409 when the code exists', async ({ api }) => {
  const code = uniqueName('SAVE');
  await api.post('/coupons', { code, amount: 500 });
  const again = await api.post('/coupons', { code, amount: 900 });
  assert.is(again.status, 409);
  assert.is(again.body.type, 'https://errors.orders.local/coupon_exists');
  assert.match(again.body.detail, 'coupon_exists');
  assert.is((await api.store.readStream(`coupon-${code}`)).length, 1);
});

coupons('400 with field errors for a malformed coupon', async ({ api }) => {
  const shape = await api.post('/coupons', { code: 12, amount: 'lots' });
  assert.is(shape.status, 400);
  assert.equal(shape.body.errors, [
    { field: 'code', message: 'must be a non-empty string' },
    { field: 'amount', message: 'must be an integer' },
  ]);
  const range = await api.post('/coupons', { code: 'no spaces allowed', amount: 0 });
  assert.is(range.status, 400);
  assert.equal(
    range.body.errors.map((error: { field: string }) => error.field),
    ['code', 'amount'],
  );
});

coupons.run();

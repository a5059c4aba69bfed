import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isProjectedStream, projectedVersion } from './projected-version.ts';
import type { Queryable } from './projection.ts';

test('order, inventory, payment and saga streams have a read model to wait for', () => {
  for (const streamId of ['order-o1', 'inventory-sku-a', 'payment-o1', 'saga-o1']) {
    assert.ok(isProjectedStream(streamId), streamId);
  }
});

test('points, coupons and anything else have none', () => {
  for (const streamId of ['points-c1', 'coupon-WELCOME', 'order-', 'orders', 'x-order-1']) {
    assert.not.ok(isProjectedStream(streamId), streamId);
  }
});

test('a stream without a read model has no projected version and costs no query', async () => {
  const noDatabase = {
    query: () => Promise.reject(new Error('queried')),
  } as unknown as Queryable;
  for (const streamId of ['points-c1', 'coupon-WELCOME', 'order-']) {
    assert.is(await projectedVersion(noDatabase, streamId), undefined, streamId);
  }
  const asked = await projectedVersion(noDatabase, 'order-o1').then(
    () => 'answered',
    (error: Error) => error.message,
  );
  assert.is(asked, 'queried', 'a projected stream is read from its read model');
});

test.run();

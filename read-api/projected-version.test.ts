import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isProjectedStream } from './projected-version.ts';

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

test.run();

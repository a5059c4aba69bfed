import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  couponStreamId,
  inventoryStreamId,
  orderStreamId,
  parseStreamId,
  paymentStreamId,
  pointsStreamId,
} from './streams.ts';

const streams = suite('stream ids');

streams('name one stream per aggregate instance', () => {
  assert.is(orderStreamId('o1'), 'order-o1');
  assert.is(inventoryStreamId('sku-a'), 'inventory-sku-a');
  assert.is(paymentStreamId('o1'), 'payment-o1');
  assert.is(pointsStreamId('c1'), 'points-c1');
  assert.is(couponStreamId('WELCOME10'), 'coupon-WELCOME10');
});

streams('parse back into aggregate and id, dashes in the id included', () => {
  assert.equal(parseStreamId(inventoryStreamId('sku-a-1')), { aggregate: 'inventory', id: 'sku-a-1' });
  assert.equal(parseStreamId(couponStreamId('X')), { aggregate: 'coupon', id: 'X' });
  assert.is(parseStreamId('basket-1'), undefined);
  assert.is(parseStreamId('order-'), undefined);
  assert.is(parseStreamId('order'), undefined);
});

streams.run();

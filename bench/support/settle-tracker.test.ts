import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SettleTracker } from './settle-tracker.ts';

test('an order is confirmed when the read model passes the offset of its OrderConfirmed', () => {
  const tracker = new SettleTracker();
  tracker.accepted('o1', 's', 1_000);
  tracker.accepted('o2', 's', 1_010);
  tracker.orderEnded('o1', 'confirmed', 0, 5);
  tracker.orderEnded('o2', 'confirmed', 0, 9);
  tracker.readModelAt(0, 5, 1_100);
  assert.is(tracker.unsettled, 2);
  tracker.readModelAt(0, 6, 1_200);
  assert.is(tracker.unsettled, 1);
  tracker.readModelAt(1, 100, 1_250);
  tracker.readModelAt(0, 10, 1_300);
  assert.is(tracker.unsettled, 0);
  assert.equal(tracker.stepOf('s'), {
    accepted: 2,
    confirmed: 2,
    cancelled: 0,
    confirmedLatencies: [200, 290],
    sagaLatencies: [],
  });
});

test('cancelled orders settle without a confirmed latency', () => {
  const tracker = new SettleTracker();
  tracker.accepted('o1', 's', 0);
  tracker.orderEnded('o1', 'cancelled', 2, 0);
  tracker.readModelAt(2, 1, 50);
  assert.is(tracker.stepOf('s').cancelled, 1);
  assert.equal(tracker.stepOf('s').confirmedLatencies, []);
});

test('an order seen settled before its 202 answer arrived is matched when the answer comes', () => {
  const tracker = new SettleTracker();
  tracker.orderEnded('o1', 'confirmed', 0, 0);
  tracker.readModelAt(0, 1, 400);
  tracker.sagaEnded('o1', 450);
  tracker.accepted('o1', 's', 100);
  assert.is(tracker.unsettled, 0);
  assert.equal(tracker.stepOf('s').confirmedLatencies, [300]);
  assert.equal(tracker.stepOf('s').sagaLatencies, [350]);
});

test('the saga latency counts from the scheduled time to the saga end', () => {
  const tracker = new SettleTracker();
  tracker.accepted('o1', 'a', 10);
  tracker.accepted('o2', 'b', 20);
  tracker.sagaEnded('o2', 520);
  assert.equal(tracker.stepOf('b').sagaLatencies, [500]);
  assert.equal(tracker.stepOf('a').sagaLatencies, []);
});

test.run();

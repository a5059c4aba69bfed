import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { countersPerOrder } from './system-counters.ts';

test('work per order is the change between snapshots over the orders, unchanged entries left out', () => {
  const before = {
    produced: { 'order-events': 100 },
    consumed: { saga: 50 },
    projected: { orders: 7 },
    rowsWritten: { events: 10, idle: 3 },
    transactions: 1_000,
  };
  const after = {
    produced: { 'order-events': 140, 'saga-events': 30 },
    consumed: { saga: 90 },
    projected: { orders: 7 },
    rowsWritten: { events: 90, idle: 3 },
    transactions: 1_250,
  };
  assert.equal(countersPerOrder(before, after, 10), {
    produced: { 'order-events': 4, 'saga-events': 3 },
    consumed: { saga: 4 },
    projected: {},
    rowsWritten: { events: 8 },
    transactions: 25,
  });
  assert.is(countersPerOrder(before, after, 0).transactions, 0);
});

test.run();

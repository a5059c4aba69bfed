import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { latencySummary, mean, median, percentile, slope } from './stats.ts';

test('percentiles interpolate between the closest ranks, whatever the input order', () => {
  const values = [40, 10, 30, 20];
  assert.is(percentile(values, 0), 10);
  assert.is(percentile(values, 1), 40);
  assert.is(percentile(values, 0.5), 25);
  assert.is(median([3, 1, 2]), 2);
  assert.ok(Math.abs(percentile(values, 0.99) - 39.7) < 1e-9);
  assert.equal(values, [40, 10, 30, 20]);
});

test('no samples give NaN, not zero', () => {
  assert.ok(Number.isNaN(percentile([], 0.5)));
  assert.ok(Number.isNaN(mean([])));
  assert.ok(Number.isNaN(latencySummary([]).max));
});

test('the slope of a growing backlog is its growth per unit of x', () => {
  assert.is(
    slope([
      { x: 0, y: 5 },
      { x: 1, y: 7 },
      { x: 2, y: 9 },
    ]),
    2,
  );
  assert.is(slope([{ x: 0, y: 5 }]), 0);
  assert.is(
    slope([
      { x: 1, y: 5 },
      { x: 1, y: 9 },
    ]),
    0,
  );
});

test.run();

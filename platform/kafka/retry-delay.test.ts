import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { retryDelayMs } from './retry-delay.ts';

const test = suite('pause before a retry');

test('doubles from 100 ms per attempt up to the cap (5 s unless given)', () => {
  assert.equal(
    [1, 2, 3, 6, 7, 20].map((attempt) => retryDelayMs(attempt)),
    [100, 200, 400, 3_200, 5_000, 5_000],
  );
  assert.is(retryDelayMs(3, 300), 300);
  assert.is(retryDelayMs(30, 100_000), 51_200, 'the doubling stops after ten attempts');
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nextRate, type RateTrial, roundRate, sustainedRate } from './rate-search.ts';

const ladder = [50, 100, 200, 400];
const run = (capacity: number): RateTrial[] => {
  const trials: RateTrial[] = [];
  for (let rate = nextRate(trials, { ladder }); rate !== undefined; rate = nextRate(trials, { ladder })) {
    trials.push({ rate, sustained: rate <= capacity });
  }
  return trials;
};

test('climbs the ladder while every rate holds, and stops at its top', () => {
  assert.equal(
    run(1_000).map((trial) => trial.rate),
    [50, 100, 200, 400],
  );
});

test('after the first failure, halves the interval until it is within the resolution', () => {
  const trials = run(130);
  assert.equal(
    trials.map((trial) => trial.rate),
    [50, 100, 200, 150, 130],
  );
  assert.is(sustainedRate(trials), 130);
});

test('searches below the first rung when even it fails', () => {
  const trials = run(20);
  assert.equal(trials[0], { rate: 50, sustained: false });
  assert.is(trials[1]?.rate, 25);
  assert.is(sustainedRate(trials), 20);
});

test('never offers more than maxTrials rates', () => {
  assert.is(nextRate([{ rate: 50, sustained: true }], { ladder, maxTrials: 1 }), undefined);
});

test('rates are rounded to steps a reader would pick', () => {
  assert.is(roundRate(87), 85);
  assert.is(roundRate(1), 5);
  assert.is(roundRate(433), 430);
  assert.is(roundRate(1_230), 1_250);
});

test.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { answersWithin } from './health.ts';

const test = suite('health probe with a timeout');

test('a probe is up only when it answers true in time', async () => {
  assert.is(await answersWithin(async () => true, 1_000), true);
  assert.is(await answersWithin(async () => false, 1_000), false);
  assert.is(await answersWithin(() => Promise.reject(new Error('refused')), 1_000), false);
});

test('a probe that never answers counts as down once the timeout passes', async () => {
  const started = Date.now();
  assert.is(await answersWithin(() => new Promise<boolean>(() => undefined), 20), false);
  assert.ok(Date.now() - started < 1_000);
});

test.run();

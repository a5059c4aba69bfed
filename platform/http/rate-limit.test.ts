import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AccessRefused } from './access.ts';
import { tokenBucketLimiter } from './rate-limit.ts';

const limits = suite('token bucket per subject');

const refusalOf = (take: () => void): AccessRefused | undefined => {
  try {
    take();
    return undefined;
  } catch (error) {
    assert.instance(error, AccessRefused);
    return error as AccessRefused;
  }
};

limits('a minute of requests at once, then one per refill; each subject has its own bucket', () => {
  let now = Date.parse('2026-12-03T12:00:00Z');
  const limiter = tokenBucketLimiter({ perMinute: 6, clock: () => new Date(now) });
  for (let i = 0; i < 6; i++) limiter.take('a');
  const refused = refusalOf(() => limiter.take('a'));
  assert.is(refused?.status, 429);
  assert.equal(refused?.headers, { 'Retry-After': '10' });
  assert.is(
    refusalOf(() => limiter.take('b')),
    undefined,
    'another subject is not held back',
  );
  now += 9_000;
  assert.is(refusalOf(() => limiter.take('a'))?.headers['Retry-After'], '1');
  now += 1_000;
  assert.is(
    refusalOf(() => limiter.take('a')),
    undefined,
    'one token back after 10 s',
  );
  now += 3_600_000;
  for (let i = 0; i < 6; i++) limiter.take('a');
  assert.is(refusalOf(() => limiter.take('a'))?.status, 429, 'never more than a minute of burst');
});

limits('full buckets are forgotten when the key table is full', () => {
  let now = 0;
  const limiter = tokenBucketLimiter({ perMinute: 60, clock: () => new Date(now), maxKeys: 2 });
  limiter.take('a');
  limiter.take('b');
  now += 60_000;
  limiter.take('c');
  for (let i = 0; i < 60; i++) limiter.take('a');
  assert.is(refusalOf(() => limiter.take('a'))?.status, 429);
});

limits.run();

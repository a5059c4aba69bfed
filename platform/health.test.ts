import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { answersWithin, healthReport, loopHealth } from './health.ts';

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

test('a report is 200 only when every part is up, names each part, and carries the details', async () => {
  const report = await healthReport({ postgres: async () => true, kafka: async () => false }, 1_000, async () => ({
    lag: { events: 3 },
  }));
  assert.is(report.status, 503);
  assert.equal(report.body, { status: 'down', postgres: 'up', kafka: 'down', lag: { events: 3 } });
  const healthy = await healthReport({ postgres: async () => true }, 1_000, () => Promise.reject(new Error('no lag')));
  assert.equal(healthy, { status: 200, body: { status: 'ok', postgres: 'up', detailsError: 'no lag' } });
});

test('a loop is down only once it has failed for longer than its allowance since its last success', async () => {
  let now = 0;
  const loop = loopHealth(10_000, () => now);
  now = 60_000;
  assert.ok(await loop.isUp(), 'an idle loop that never failed is up');
  loop.failed(new Error('connection refused'));
  assert.not.ok(await loop.isUp());
  assert.is(loop.lastError(), 'connection refused');
  loop.succeeded();
  loop.failed(new Error('again'));
  now += 9_000;
  assert.ok(await loop.isUp(), 'a failure shortly after a success is within the allowance');
  now += 2_000;
  assert.not.ok(await loop.isUp());
});

test.run();

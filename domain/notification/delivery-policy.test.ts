import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { backoffMs, judgeAttempt, type RetryPolicy, retryAfterMs, shouldDisable } from './delivery-policy.ts';

const policy: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 60_000 };
const now = new Date('2026-12-03T12:00:00.000Z');
const middle = () => 0.5;

const verdicts = suite('an attempt is judged');

verdicts('a 2xx is sent, whatever the attempt', () => {
  for (const status of [200, 202, 204, 299]) {
    assert.equal(judgeAttempt({ kind: 'answered', status }, 3, policy, now, middle), { outcome: 'sent', status });
  }
});

verdicts('timeouts, unreachable receivers, 5xx and 429 are tried again until the attempts run out', () => {
  const transient = [
    { kind: 'timeout' as const },
    { kind: 'unreachable' as const, error: 'ECONNREFUSED' },
    { kind: 'answered' as const, status: 500 },
    { kind: 'answered' as const, status: 503 },
    { kind: 'answered' as const, status: 429 },
  ];
  for (const result of transient) {
    assert.is(judgeAttempt(result, 1, policy, now, middle).outcome, 'retry', JSON.stringify(result));
    assert.is(judgeAttempt(result, 2, policy, now, middle).outcome, 'retry', JSON.stringify(result));
    assert.is(judgeAttempt(result, 3, policy, now, middle).outcome, 'failed', JSON.stringify(result));
  }
});

verdicts('other answers fail at once: a 4xx, a redirect that is never followed', () => {
  for (const status of [301, 302, 400, 401, 404, 410, 413]) {
    const verdict = judgeAttempt({ kind: 'answered', status }, 1, policy, now, middle);
    assert.equal(verdict, { outcome: 'failed', status, error: `HTTP ${status}` });
  }
});

verdicts('a host inside the network is never retried', () => {
  const verdict = judgeAttempt({ kind: 'refused', error: 'resolves to 10.0.0.1' }, 1, policy, now, middle);
  assert.equal(verdict, { outcome: 'failed', error: 'resolves to 10.0.0.1' });
});

verdicts('the last status travels with a failure; no status when nothing answered', () => {
  assert.equal(judgeAttempt({ kind: 'answered', status: 502 }, 3, policy, now, middle), {
    outcome: 'failed',
    status: 502,
    error: 'HTTP 502',
  });
  assert.equal(judgeAttempt({ kind: 'timeout' }, 3, policy, now, middle), {
    outcome: 'failed',
    error: 'no answer before the timeout',
  });
});

verdicts('Retry-After replaces the backoff, in seconds or as a date, capped by the longest pause', () => {
  const seconds = judgeAttempt({ kind: 'answered', status: 429, retryAfter: '7' }, 1, policy, now, middle);
  assert.equal(seconds, { outcome: 'retry', delayMs: 7_000, status: 429, error: 'HTTP 429' });
  const date = new Date(now.getTime() + 12_000).toUTCString();
  const dated = judgeAttempt({ kind: 'answered', status: 503, retryAfter: date }, 1, policy, now, middle);
  assert.is(dated.outcome === 'retry' && dated.delayMs, 12_000);
  const huge = judgeAttempt({ kind: 'answered', status: 503, retryAfter: '86400' }, 1, policy, now, middle);
  assert.is(huge.outcome === 'retry' && huge.delayMs, 60_000);
});

const backoff = suite('backoff');

backoff('doubles per attempt, with jitter between half and all of it', () => {
  assert.is(
    backoffMs(1, policy, () => 0),
    500,
  );
  assert.is(
    backoffMs(1, policy, () => 1),
    1_000,
  );
  assert.is(
    backoffMs(2, policy, () => 1),
    2_000,
  );
  assert.is(
    backoffMs(3, policy, () => 0),
    2_000,
  );
  assert.is(
    backoffMs(20, policy, () => 1),
    60_000,
  );
});

backoff('a Retry-After that is not a number or a date is ignored', () => {
  assert.is(retryAfterMs('soon', now), undefined);
  assert.is(retryAfterMs('', now), undefined);
  assert.is(retryAfterMs(undefined, now), undefined);
  assert.is(retryAfterMs(new Date(now.getTime() - 5_000).toUTCString(), now), 0);
});

const disabling = suite('disabling a failing subscription');

disabling('only once every attempt failed for the whole period', () => {
  const day = 24 * 3_600_000;
  assert.not.ok(shouldDisable(undefined, now, day));
  assert.not.ok(shouldDisable(new Date(now.getTime() - day + 1), now, day));
  assert.ok(shouldDisable(new Date(now.getTime() - day), now, day));
});

verdicts.run();
backoff.run();
disabling.run();

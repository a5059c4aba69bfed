import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CliError } from './cli-error.ts';
import { parseDuration } from './duration.ts';

const test = suite('parseDuration');

test('whole numbers with a unit', () => {
  assert.is(parseDuration('7d'), 7 * 86_400_000);
  assert.is(parseDuration('12h'), 12 * 3_600_000);
  assert.is(parseDuration('30m'), 1_800_000);
  assert.is(parseDuration('45s'), 45_000);
  assert.is(parseDuration('500ms'), 500);
  assert.is(parseDuration('2w'), 14 * 86_400_000);
});

test('anything else is bad usage (exit 2)', () => {
  for (const text of ['7', 'd', '7x', '-1d', '0h', '1.5h', '7 d', '', '99999999999999999d']) {
    assert.throws(
      () => parseDuration(text),
      (error: unknown) => error instanceof CliError && error.exitCode === 2 && error.message.includes(`"${text}"`),
      text,
    );
  }
});

test.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { waitFor as waitForCondition } from '../test/support/wait.ts';

// Generous: node processes start slowly on a machine busy with other tests.
const waitFor: typeof waitForCondition = (probe, options = {}) =>
  waitForCondition(probe, { timeoutMs: 60_000, ...options });

import { Supervisor } from './supervisor.ts';

const test = suite('supervisor');

const node = (name: string, script: string) => ({ name, command: process.execPath, args: ['-e', script] });
/**
 * Stays up until a signal; SIGTERM ends it with 0 as the services do. The handler is in place before the pid is
 * printed: a test that signals on seeing the line must never beat it (under load it did, and SIGTERM's default
 * action made the exit look unexpected).
 */
const service = `process.on('SIGTERM', () => process.exit(0)); console.log('up ' + process.pid); setInterval(() => {}, 1000);`;

const supervisorWithLog = () => {
  const lines: string[] = [];
  const output: string[] = [];
  const supervisor = new Supervisor({
    policy: { initialDelayMs: 50, maxDelayMs: 400, stableAfterMs: 60_000 },
    log: (line) => lines.push(line),
    output: (name, line) => output.push(`${name}: ${line}`),
    stopGraceMs: 2_000,
  });
  return { supervisor, lines, output };
};

test('a process killed with SIGKILL is started again, and the restart is logged', async () => {
  const { supervisor, lines, output } = supervisorWithLog();
  try {
    supervisor.start(node('worker', service));
    const first = await waitFor(() => supervisor.pidOf('worker'), { what: 'the first start' });
    await waitFor(() => output.some((line) => line.includes(`up ${first}`)), { what: 'the first run' });
    process.kill(first, 'SIGKILL');
    const second = await waitFor(() => {
      const pid = supervisor.pidOf('worker');
      return pid !== undefined && pid !== first ? pid : undefined;
    });
    assert.is.not(second, first);
    assert.is(supervisor.restartsOf('worker'), 1);
    assert.ok(lines.some((line) => /worker exited unexpectedly with signal SIGKILL .*restart 1 in 0\.1 s/.test(line)));
  } finally {
    await supervisor.stop();
  }
});

test('a process that keeps failing is restarted with a pause that doubles up to the cap', async () => {
  const { supervisor, lines } = supervisorWithLog();
  try {
    supervisor.start(node('flaky', 'process.exit(3)'));
    await waitFor(() => supervisor.restartsOf('flaky') >= 5, { what: 'five restarts' });
    const pauses = lines
      .filter((line) => line.startsWith('flaky exited unexpectedly with code 3'))
      .map((line) => Number(/in ([\d.]+) s/.exec(line)?.[1]));
    assert.equal(pauses.slice(0, 5), [0.1, 0.1, 0.2, 0.4, 0.4]);
  } finally {
    await supervisor.stop();
  }
});

test('a process that exits with 0 on its own was asked to stop: it is not restarted', async () => {
  const { supervisor, lines, output } = supervisorWithLog();
  try {
    supervisor.start(node('worker', service));
    const pid = await waitFor(() => supervisor.pidOf('worker'));
    await waitFor(() => output.some((line) => line.includes(`up ${pid}`)), { what: 'its SIGTERM handler' });
    process.kill(pid, 'SIGTERM');
    await waitFor(() =>
      lines.some((line) => line.includes('worker exited with code 0 (asked to stop): not restarted')),
    );
    assert.is(supervisor.pidOf('worker'), undefined);
    assert.is(supervisor.restartsOf('worker'), 0);
  } finally {
    await supervisor.stop();
  }
});

test('stop() ends every process and restarts none, even one that dies of a signal while stopping', async () => {
  const { supervisor, lines } = supervisorWithLog();
  supervisor.start(node('a', service));
  supervisor.start(node('stubborn', `process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);`));
  const pids = [await waitFor(() => supervisor.pidOf('a')), await waitFor(() => supervisor.pidOf('stubborn'))];
  await supervisor.stop();
  assert.is(supervisor.pidOf('a'), undefined);
  assert.is(supervisor.pidOf('stubborn'), undefined, 'SIGKILLed after the grace period');
  assert.is(supervisor.restartsOf('stubborn'), 0);
  assert.not.ok(lines.some((line) => line.includes('restart')));
  for (const pid of pids) assert.throws(() => process.kill(pid, 0));
});

test.run();

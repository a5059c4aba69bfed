import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CpuLedger, parseProcStat, readProcessStat } from './process-cpu.ts';

// A real line of /proc/<pid>/stat, with a command name holding a space and a parenthesis.
const line =
  '4242 (my (odd) proc) S 1 4242 4242 0 -1 4194560 2398 0 0 0 150 25 0 0 20 0 1 0 77000 12345678 900 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0';

test('reads pid, name, user + system CPU and start time, counting fields after the last parenthesis', () => {
  assert.equal(parseProcStat(line), { pid: 4242, comm: 'my (odd) proc', cpuMs: 1_750, startTicks: 77_000 });
});

test('refuses a line that is not a stat line', () => {
  assert.throws(() => parseProcStat('hello'), /not a \/proc/);
});

test('reads this very process', () => {
  const stat = readProcessStat(process.pid);
  assert.is(stat?.pid, process.pid);
  assert.ok((stat?.cpuMs ?? -1) >= 0);
  assert.is(readProcessStat(2 ** 22 + 1), undefined);
});

test('the ledger adds what each process used between observations, per group', () => {
  const ledger = new CpuLedger(1_000);
  const at = (pid: number, cpuMs: number, startTicks = 10) => ({ pid, comm: 'x', cpuMs, startTicks });
  ledger.observe('api', at(1, 500));
  ledger.observe('db', at(2, 7_000));
  ledger.observe('api', at(1, 650));
  ledger.observe('db', at(2, 7_040));
  // Started after the window opened: everything it used counts.
  ledger.observe('db', at(3, 30, 1_200));
  // Started before and first seen now: only what follows counts.
  ledger.observe('db', at(4, 900));
  ledger.observe('db', at(4, 910));
  assert.equal(ledger.totals(), { api: 150, db: 80 });
});

test.run();

/**
 * The whole test suite in one command: lint, type check, unit tests, then (after bringing the local
 * stack up) integration tests. Each test file runs in its own process so a crash or a hang is pinned
 * to one file; files run side by side because every test isolates its data.
 * Ends with the line `N passed, N failed`.
 *
 *   npm test                 everything
 *   npm test -- --unit       no stack, unit tests only
 *   npm test -- relay store  only files whose path contains one of the words
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const sourceFolders = [
  'domain',
  'platform',
  'commands',
  'projections',
  'read-api',
  'schemas',
  'deploy',
  'cli',
  'bench',
  'test',
];
const fileTimeoutMs = Number(process.env.TEST_FILE_TIMEOUT_MS ?? 300_000);
const concurrency = Math.max(1, Number(process.env.TEST_CONCURRENCY ?? 2));

const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const filters = args.filter((arg) => !arg.startsWith('--'));

const findTests = (folder: string): string[] => {
  const path = join(root, folder);
  let entries: string[];
  try {
    entries = readdirSync(path);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    if (entry === 'node_modules' || entry.startsWith('.')) return [];
    const full = join(path, entry);
    if (statSync(full).isDirectory()) return findTests(join(folder, entry));
    return entry.endsWith('.test.ts') ? [join(folder, entry)] : [];
  });
};

interface Outcome {
  passed: number;
  failed: number;
  output: string;
}

const runProcess = (
  command: string,
  commandArgs: string[],
  timeoutMs: number,
): Promise<{ code: number; output: string }> =>
  new Promise((resolve) => {
    const child = spawn(command, commandArgs, {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => {
      output += `\n[test runner] killed after ${timeoutMs} ms\n`;
      try {
        process.kill(-(child.pid ?? 0), 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });

const runTestFile = async (file: string): Promise<Outcome> => {
  const { code, output } = await runProcess(process.execPath, ['--import', 'tsx', file], fileTimeoutMs);
  const total = Number(/Total:\s+(\d+)/.exec(output)?.[1] ?? Number.NaN);
  const passed = Number(/Passed:\s+(\d+)/.exec(output)?.[1] ?? Number.NaN);
  const skipped = Number(/Skipped:\s+(\d+)/.exec(output)?.[1] ?? 0);
  if (Number.isNaN(total) || Number.isNaN(passed)) return { passed: 0, failed: 1, output };
  const failed = total - passed - skipped;
  // A file that exits non-zero after its summary (an unhandled rejection, a leak) still fails.
  return { passed, failed: failed === 0 && code !== 0 ? 1 : failed, output };
};

const runCheck = async (name: string, command: string, commandArgs: string[]): Promise<Outcome> => {
  const { code, output } = await runProcess(command, commandArgs, fileTimeoutMs);
  return code === 0 ? { passed: 1, failed: 0, output } : { passed: 0, failed: 1, output: `${name} failed\n${output}` };
};

const pool = async <T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> => {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};

const bin = (name: string) => join(root, 'node_modules', '.bin', name);
let passed = 0;
let failed = 0;
const report = (label: string, outcome: Outcome) => {
  passed += outcome.passed;
  failed += outcome.failed;
  const verdict = outcome.failed === 0 ? 'ok  ' : 'FAIL';
  console.log(`${verdict} ${label} (${outcome.passed} passed, ${outcome.failed} failed)`);
  if (outcome.failed > 0 || process.env.TEST_VERBOSE) console.log(outcome.output.replace(/^/gm, '     | '));
};

const all = sourceFolders
  .flatMap(findTests)
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)));
const unit = all.filter((file) => !file.endsWith('.int.test.ts'));
const integration = unitOnly ? [] : all.filter((file) => file.endsWith('.int.test.ts'));

if (filters.length === 0) {
  const checks = await Promise.all([
    runCheck('lint', bin('biome'), ['check', '.']),
    runCheck('typecheck', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']),
  ]);
  report('lint (biome check)', checks[0] as Outcome);
  report('typecheck (tsc --noEmit)', checks[1] as Outcome);
}

await pool(unit, concurrency, async (file) => report(relative(root, join(root, file)), await runTestFile(file)));

if (integration.length > 0) {
  const stack = await runProcess(process.execPath, ['--import', 'tsx', 'deploy/local/stack.ts', 'up'], 600_000);
  console.log(stack.output.trimEnd());
  if (stack.code !== 0) {
    report('stack:up', { passed: 0, failed: integration.length, output: 'the local stack did not come up' });
  } else {
    await pool(integration, concurrency, async (file) => report(file, await runTestFile(file)));
  }
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

/**
 * Benchmarks: `npm run bench -- <scenario> [--quick] [--runs N]`.
 * Brings the local stack up, runs one scenario, writes bench/results/<scenario>-<timestamp>.json and .md,
 * and prints the ratios. docs/benchmarks.md says what each scenario measures and what we measured.
 */
import { loadConfig } from '../deploy/config.ts';
import { e2eScenario } from './scenarios/e2e.ts';
import { kafkaClientScenario } from './scenarios/kafka-client.ts';
import { projectorScenario } from './scenarios/projector.ts';
import { rebuildScenario } from './scenarios/rebuild.ts';
import { relayScenario } from './scenarios/relay.ts';
import { runtimeScenario } from './scenarios/runtime.ts';
import { storeAppendScenario } from './scenarios/store-append.ts';
import { describeCode, describeMachine, finishMachineDescription } from './support/machine.ts';
import { ratioLines, writeReport } from './support/results.ts';
import type { Scenario } from './support/scenario.ts';
import { bringStackUp } from './support/stack.ts';

/** Every scenario `npm run bench` knows. */
const scenarios: readonly Scenario[] = [
  e2eScenario,
  storeAppendScenario,
  relayScenario,
  kafkaClientScenario,
  rebuildScenario,
  projectorScenario,
  runtimeScenario,
];

const usage = `usage: npm run bench -- <scenario> [--quick] [--runs N]   scenarios: ${scenarios
  .map((scenario) => scenario.name)
  .join(', ')}`;

const parseArguments = (args: string[]) => {
  const quick = args.includes('--quick');
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
  const words = args.filter((arg, index) => !arg.startsWith('--') && (runsAt < 0 || index !== runsAt + 1));
  return { quick, runs, name: words[0], extra: words.slice(1) };
};

const { quick, runs, name, extra } = parseArguments(process.argv.slice(2));
const scenario = scenarios.find((candidate) => candidate.name === name);
if (!scenario || extra.length > 0) {
  console.error(
    name
      ? `unknown scenario "${[name, ...extra].join(' ')}"; valid: ${scenarios.map((s) => s.name).join(', ')}`
      : usage,
  );
  process.exit(2);
}
const minimumRuns = scenario.minimumRuns ?? 3;
if (!Number.isSafeInteger(runs) || runs < minimumRuns) {
  console.error(`--runs must be an integer >= ${minimumRuns} for ${scenario.name}`);
  process.exit(2);
}

const log = (line: string) => console.log(line);
const config = loadConfig();
try {
  log(`bench ${scenario.name}${quick ? ' (quick)' : ''}: bringing the local stack up`);
  await bringStackUp(log);
  const machine = await describeMachine(config.databaseUrl);
  log(`machine: ${machine.cpuModel}, ${machine.cores} cores; ${machine.uptimeAtStart}`);
  const code = describeCode();
  const startedAt = new Date().toISOString();
  const result = await scenario.run({
    quick,
    runs,
    databaseUrl: config.databaseUrl,
    kafkaBrokers: config.kafkaBrokers,
    log,
  });
  const report = {
    scenario: scenario.name,
    description: scenario.description,
    quick,
    runs,
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: finishMachineDescription(machine),
    code,
    ...result,
    // Headline figures also stand at the top level, so later runs can be compared by a script (e.g. jq .p99Ms).
    ...(result.headline ?? {}),
  };
  const files = writeReport(report);
  log('');
  for (const [metric, value] of Object.entries(report.headline ?? {})) log(`${metric}: ${value}`);
  for (const line of ratioLines(report.comparisons)) log(line);
  log('');
  log(`results: ${files.json}`);
  log(`         ${files.markdown}`);
  process.exit(0);
} catch (error) {
  console.error(`bench ${scenario.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
  process.exit(1);
}

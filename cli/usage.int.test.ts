import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from './testing/run-cli.ts';

/** Bad input never needs a server: each case is refused before any connection, with one line on stderr. */
const test = suite('orders-ops: usage and bad input');

const oneLine = (stderr: string) => {
  const lines = stderr.trimEnd().split('\n');
  assert.is(lines.length, 1, `expected one line, got: ${stderr}`);
  assert.not.match(stderr, /\n\s+at /);
  return lines[0]!;
};

const env = { KAFKA_TOPIC_PREFIX: 'usage_never_used.', PGOPTIONS: '-c search_path=usage_never_used' };

test('refusals are exit 2 with one line naming what is valid', async () => {
  const cases: [string[], RegExp][] = [
    [['nope'], /unknown command "nope"; commands: projections list, projections rebuild, sagas list, .*events tail/],
    [['projections', 'frobnicate'], /unknown command "projections frobnicate"; commands: /],
    [
      ['projections', 'rebuild', 'nope'],
      /unknown projection "nope"; valid: orders, inventory, payments, sagas, dashboard/,
    ],
    [['projections', 'rebuild', 'dashboard'], /Redis dashboard has no shadow rebuild/],
    [['projections', 'rebuild'], /"projections rebuild" needs <name>/],
    [['projections', 'rebuild', 'orders', '--from', 'disk'], /--from must be one of kafka, store; got "disk"/],
    [['projections', 'list', '--colour'], /unknown option --colour for "projections list"; options: --json, --help/],
    [['dlq', 'purge', '--older-than', '7x'], /bad duration "7x"/],
    [['dlq', 'purge', '--older-than', '0d'], /bad duration "0d"/],
    [['dlq', 'purge'], /needs --older-than/],
    [['dlq', 'show', 'garbage'], /bad dead-letter id "garbage"/],
    [['dlq', 'replay'], /either <id> or --all/],
    [
      ['sagas', 'list', '--state', 'sleepy'],
      /unknown saga state "sleepy"; valid: running, compensating, stuck, completed, compensated/,
    ],
    [['sagas', 'list', '--limit', '500'], /--limit must be 1-200/],
    [['sagas', 'compensate', 'o1'], /refusing to compensate saga saga-o1 without confirmation: pass --yes/],
    [['events', 'tail', '--type', 'Nonsense'], /unknown event type "Nonsense"/],
  ];
  const results = await Promise.all(cases.map(([args]) => runCli(args, env)));
  results.forEach((result, index) => {
    const [args, pattern] = cases[index]!;
    assert.is(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(oneLine(result.stderr), pattern);
    assert.match(result.stderr, /^orders-ops: /);
  });
});

test('--json adds one JSON document on stdout describing the refusal; --help answers 0', async () => {
  const [refused, help, commandHelp, nothing] = await Promise.all([
    runCli(['projections', 'rebuild', 'nope', '--json'], env),
    runCli(['--help'], env),
    runCli(['dlq', 'purge', '--help'], env),
    runCli([], env),
  ]);
  assert.is(refused.code, 2);
  assert.equal(refused.json(), {
    ok: false,
    exitCode: 2,
    error: 'unknown projection "nope"; valid: orders, inventory, payments, sagas, dashboard',
  });
  assert.is(help.code, 0);
  assert.match(help.stdout, /projections rebuild/);
  assert.match(help.stdout, /Exit codes: 0 ok, 1 failed, 2 bad usage, 3 not found, 130 interrupted/);
  assert.is(commandHelp.code, 0);
  assert.match(commandHelp.stdout, /--older-than <duration>/);
  assert.is(nothing.code, 2);
});

test.run();

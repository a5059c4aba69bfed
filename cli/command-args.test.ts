import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CliError } from './cli-error.ts';
import { type ArgsSpec, parseArgs } from './command-args.ts';

const test = suite('parseArgs');

const spec: ArgsSpec = {
  command: 'projections rebuild',
  positionals: [{ name: 'name', required: true }],
  options: {
    from: { value: 'kafka|store', choices: ['kafka', 'store'], description: '' },
    'dry-run': { description: '' },
    json: { description: '' },
  },
};

const refused = (words: string[], message: RegExp) =>
  assert.throws(
    () => parseArgs(words, spec),
    (error: unknown) => error instanceof CliError && error.exitCode === 2 && message.test(error.message),
    words.join(' '),
  );

test('positionals, flags and options with a value, in any order', () => {
  assert.equal(parseArgs(['orders', '--from', 'store', '--dry-run'], spec), {
    positionals: ['orders'],
    options: { from: 'store', 'dry-run': true },
  });
  assert.equal(parseArgs(['--json', '--from=kafka', 'sagas'], spec), {
    positionals: ['sagas'],
    options: { json: true, from: 'kafka' },
  });
});

test('unknown options, missing values, bad choices and missing or extra arguments are usage errors', () => {
  refused(
    ['orders', '--colour'],
    /unknown option --colour for "projections rebuild"; options: --from, --dry-run, --json/,
  );
  refused(['orders', '-x'], /unknown option -x/);
  refused(['orders', '--from'], /--from needs a value \(kafka\|store\)/);
  refused(['orders', '--from', '--json'], /--from needs a value/);
  refused(['orders', '--from', 'disk'], /--from must be one of kafka, store; got "disk"/);
  refused(['orders', '--dry-run=yes'], /--dry-run takes no value/);
  refused([], /needs <name>/);
  refused(['orders', 'sagas'], /unexpected "sagas"/);
});

test.run();

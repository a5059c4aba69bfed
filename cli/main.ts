/**
 * orders-ops: the operator CLI (docs/operations.md). `npm run ops -- <command>` or the `orders-ops` bin.
 * Tables for people, `--json` for scripts, exit codes 0 ok, 1 failed, 2 bad usage, 3 not found,
 * 130 interrupted; every error is one line on stderr.
 */
import { createInterface } from 'node:readline/promises';
import { exitCodes, usageError } from './cli-error.ts';
import type { CommandContext, CommandDefinition } from './command.ts';
import { type ArgsSpec, type OptionSpec, parseArgs } from './command-args.ts';
import { commandList, commandNames } from './command-list.ts';
import { describeFailure } from './failure.ts';
import { OpsResources } from './ops-resources.ts';

const help: OptionSpec = { description: 'show this help' };

const usageOf = (command: CommandDefinition): string => {
  const positionals = command.positionals.map((p) => (p.required ? `<${p.name}>` : `[<${p.name}>]`)).join(' ');
  const options = Object.entries(command.options).map(
    ([name, option]) => `  --${name}${option.value ? ` <${option.value}>` : ''}  ${option.description}`,
  );
  return [
    `usage: orders-ops ${command.command}${positionals ? ` ${positionals}` : ''} [options]`,
    `  ${command.summary}`,
    ...options,
  ].join('\n');
};

const overview = (): string =>
  [
    'usage: orders-ops <command> [options]      (npm run ops -- <command>)',
    '',
    ...commandList.map((command) => `  ${command.command.padEnd(22)}${command.summary}`),
    '',
    'Every command takes --json and --help. Exit codes: 0 ok, 1 failed, 2 bad usage, 3 not found, 130 interrupted.',
  ].join('\n');

const findCommand = (words: readonly string[]): { command: CommandDefinition; rest: string[] } => {
  const [group, name] = words;
  const single = commandList.find((candidate) => candidate.command === group);
  if (single) return { command: single, rest: words.slice(1) };
  const command = commandList.find((candidate) => candidate.command === `${group} ${name}`);
  if (!command) {
    const typed = [group, name].filter((word) => word !== undefined && !word.startsWith('-')).join(' ');
    throw usageError(`unknown command "${typed}"; commands: ${commandNames()}`);
  }
  return { command, rest: words.slice(2) };
};

const askYesNo = async (question: string): Promise<boolean> => {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
  } finally {
    prompt.close();
  }
};

const run = async (argv: readonly string[], ops: () => OpsResources): Promise<number> => {
  const wantsJson = argv.includes('--json');
  const controller = new AbortController();
  let interruptible: { notice: string } | undefined;
  let interrupts = 0;
  process.on('SIGINT', () => {
    interrupts += 1;
    if (!interruptible || interrupts > 1) process.exit(exitCodes.interrupted);
    if (interruptible.notice) process.stderr.write(`\n${interruptible.notice}\n`);
    controller.abort();
  });
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      process.stdout.write(`${overview()}\n`);
      return argv.length === 0 ? exitCodes.usage : exitCodes.ok;
    }
    const { command, rest } = findCommand(argv);
    const spec: ArgsSpec = { ...command, options: { ...command.options, help } };
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(`${usageOf(command)}\n`);
      return exitCodes.ok;
    }
    const args = parseArgs(rest, spec);
    const handler = await command.handler();
    interruptible = command.interruptible;
    const context: CommandContext = {
      args,
      json: args.options.json === true,
      ops: ops(),
      print: (line) => process.stdout.write(`${line}\n`),
      stderr: process.stderr,
      signal: controller.signal,
      interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
      confirm: askYesNo,
    };
    return (await handler(context)) ?? exitCodes.ok;
  } catch (error) {
    let brokers: string[] = [];
    try {
      brokers = ops().config.kafkaBrokers;
    } catch {
      // A bad setting is the error being reported.
    }
    const failure = describeFailure(error, brokers);
    if (wantsJson) {
      const document = typeof failure.document === 'object' && failure.document !== null ? failure.document : {};
      process.stdout.write(
        `${JSON.stringify({ ok: false, exitCode: failure.exitCode, error: failure.message, ...document })}\n`,
      );
    }
    process.stderr.write(`orders-ops: ${failure.message}\n`);
    return failure.exitCode;
  }
};

let resources: OpsResources | undefined;
const exitCode = await run(process.argv.slice(2), () => {
  resources ??= new OpsResources();
  return resources;
});
// Kafka and pool sockets must not keep a finished command alive; a stuck close must not either.
const closing = resources?.close();
await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
process.exit(exitCode);

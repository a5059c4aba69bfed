import { parseArgs as parseWithNode } from 'node:util';
import { usageError } from './cli-error.ts';

/** An option: a flag (`--yes`) or one taking a value (`--from kafka`, `--from=kafka`). */
export interface OptionSpec {
  /** Placeholder shown in the usage; absent for a flag. */
  value?: string;
  /** The only values accepted. */
  choices?: readonly string[];
  description: string;
}

export interface ArgsSpec {
  /** Usage name of the command, e.g. `dlq replay`. */
  command: string;
  positionals: readonly { name: string; required: boolean }[];
  options: Readonly<Record<string, OptionSpec>>;
}

export interface ParsedArgs {
  positionals: string[];
  /** A flag given is `true`; an option with a value its text. */
  options: Record<string, string | true>;
}

const optionList = (spec: ArgsSpec) =>
  Object.keys(spec.options)
    .map((name) => `--${name}`)
    .join(', ');

/** node:util's error codes, turned into our one-line usage errors. */
const usageErrorOf = (error: unknown, spec: ArgsSpec): Error => {
  const { code, message } = error as { code?: string; message?: string };
  const name = /'(-[^\s']+)/.exec(message ?? '')?.[1]?.replace(/^--?/, '') ?? '';
  const option = spec.options[name];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return usageError(
        `unknown option ${/'([^']+)'/.exec(message ?? '')?.[1] ?? ''} for "${spec.command}"; options: ${optionList(spec)}`,
      );
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return option?.value === undefined
        ? usageError(`--${name} takes no value`)
        : usageError(`--${name} needs a value (${option.value})`);
    default:
      // Node's messages can run over several lines; an operator gets one.
      return usageError((message ?? String(error)).split('\n')[0]!);
  }
};

/**
 * Parses the words after the command name with node:util's `parseArgs` (strict: an unknown option or a flag given
 * a value is refused), then checks what it does not know of: choices and the positionals' count. Anything
 * unexpected is a usage error naming what is accepted.
 */
export const parseArgs = (words: readonly string[], spec: ArgsSpec): ParsedArgs => {
  let parsed: ReturnType<typeof parseWords>;
  try {
    parsed = parseWords(words, spec);
  } catch (error) {
    throw usageErrorOf(error, spec);
  }
  const options: Record<string, string | true> = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    const option = spec.options[name]!;
    if (option.value === undefined) {
      options[name] = true;
      continue;
    }
    if (typeof value !== 'string' || value === '') throw usageError(`--${name} needs a value (${option.value})`);
    if (option.choices && !option.choices.includes(value)) {
      throw usageError(`--${name} must be one of ${option.choices.join(', ')}; got "${value}"`);
    }
    options[name] = value;
  }
  const positionals = parsed.positionals;
  const required = spec.positionals.filter((positional) => positional.required);
  if (positionals.length < required.length) {
    throw usageError(`"${spec.command}" needs <${required[positionals.length]!.name}>`);
  }
  if (positionals.length > spec.positionals.length) {
    throw usageError(
      `"${spec.command}" takes ${spec.positionals.length || 'no'} argument(s); unexpected "${positionals[spec.positionals.length]}"`,
    );
  }
  return { positionals, options };
};

const parseWords = (words: readonly string[], spec: ArgsSpec) =>
  parseWithNode({
    args: [...words],
    strict: true,
    allowPositionals: true,
    options: Object.fromEntries(
      Object.entries(spec.options).map(([name, option]) => [
        name,
        { type: option.value === undefined ? ('boolean' as const) : ('string' as const) },
      ]),
    ),
  });

export const optionText = (args: ParsedArgs, name: string): string | undefined => {
  const value = args.options[name];
  return typeof value === 'string' ? value : undefined;
};

export const hasFlag = (args: ParsedArgs, name: string): boolean => args.options[name] === true;

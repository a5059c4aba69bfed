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

/** Parses the words after the command name; anything unexpected is a usage error naming what is accepted. */
export const parseArgs = (words: readonly string[], spec: ArgsSpec): ParsedArgs => {
  const positionals: string[] = [];
  const options: Record<string, string | true> = {};
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    if (word === '--') {
      positionals.push(...words.slice(index + 1));
      break;
    }
    if (!word.startsWith('--') || word === '-') {
      if (word.startsWith('-') && word.length > 1 && !/^-\d/.test(word)) {
        throw usageError(`unknown option ${word} for "${spec.command}"; options: ${optionList(spec)}`);
      }
      positionals.push(word);
      continue;
    }
    const equals = word.indexOf('=');
    const name = word.slice(2, equals < 0 ? undefined : equals);
    const option = spec.options[name];
    if (!option) throw usageError(`unknown option --${name} for "${spec.command}"; options: ${optionList(spec)}`);
    if (option.value === undefined) {
      if (equals >= 0) throw usageError(`--${name} takes no value`);
      options[name] = true;
      continue;
    }
    const value = equals >= 0 ? word.slice(equals + 1) : words[++index];
    if (value === undefined || value === '' || (equals < 0 && value.startsWith('--'))) {
      throw usageError(`--${name} needs a value (${option.value})`);
    }
    if (option.choices && !option.choices.includes(value)) {
      throw usageError(`--${name} must be one of ${option.choices.join(', ')}; got "${value}"`);
    }
    options[name] = value;
  }
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

export const optionText = (args: ParsedArgs, name: string): string | undefined => {
  const value = args.options[name];
  return typeof value === 'string' ? value : undefined;
};

export const hasFlag = (args: ParsedArgs, name: string): boolean => args.options[name] === true;

import type { ExitCode } from './cli-error.ts';
import type { ArgsSpec, ParsedArgs } from './command-args.ts';
import type { OpsResources } from './ops-resources.ts';
import type { ProgressSink } from './progress.ts';

/**
 * What a command is and what it is given. The command files import these from here, never from
 * `command-list.ts`, which loads them: that keeps the list and the commands out of an import cycle.
 */
export interface CommandContext {
  args: ParsedArgs;
  /** `--json`: one JSON document on stdout (JSON lines for `events tail`). */
  json: boolean;
  ops: OpsResources;
  /** Writes one line to stdout. */
  print(line: string): void;
  /** Progress and notices (never results). */
  stderr: ProgressSink;
  /** Aborted by Ctrl-C, for commands marked `interruptible`. */
  signal: AbortSignal;
  /** Whether a person can answer a prompt. */
  interactive: boolean;
  confirm(question: string): Promise<boolean>;
}

export type CommandHandler = (context: CommandContext) => Promise<ExitCode | undefined>;

export interface CommandDefinition extends ArgsSpec {
  summary: string;
  /**
   * Ctrl-C aborts the command's signal instead of exiting at once; the command cleans up, then exits.
   * The text is what the operator is told meanwhile (empty: nothing to tell).
   */
  interruptible?: { notice: string };
  handler(): Promise<CommandHandler>;
}

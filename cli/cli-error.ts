/** Exit codes of orders-ops (docs/operations.md lists them). */
export const exitCodes = {
  ok: 0,
  /** The operation ran and failed (verification failed, Kafka or PostgreSQL refused, a saga rule refused). */
  failed: 1,
  /** Bad usage or bad input: unknown command, option, name, duration, id format. */
  usage: 2,
  /** The saga, dead letter or group named does not exist. */
  notFound: 3,
  /** Stopped with Ctrl-C (SIGINT) before it finished; nothing was changed. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** An error the CLI reports as one line on stderr and turns into an exit code; `document` goes to stdout with --json. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    readonly document?: unknown,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(exitCodes.usage, message);
export const notFoundError = (message: string) => new CliError(exitCodes.notFound, message);
export const failedError = (message: string, document?: unknown) => new CliError(exitCodes.failed, message, document);

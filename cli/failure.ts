import { isDomainError } from '../domain/errors.ts';
import { RebuildError } from '../projections/rebuild/rebuild.ts';
import { CliError, type ExitCode, exitCodes } from './cli-error.ts';

export interface Failure {
  exitCode: ExitCode;
  /** One line, no stack. */
  message: string;
  /** Sent to stdout with --json. */
  document?: unknown;
}

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();

const rebuildExitCode: Record<RebuildError['kind'], ExitCode> = {
  busy: exitCodes.failed,
  missing_table: exitCodes.failed,
  verification_failed: exitCodes.failed,
  failed: exitCodes.failed,
  interrupted: exitCodes.interrupted,
};

const isConnectionRefused = (error: unknown): boolean => {
  const text = `${(error as { code?: unknown }).code ?? ''} ${error instanceof Error ? error.message : ''}`;
  return /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|Connection error|Connection timeout/i.test(text);
};

/** Every error a command can end with, as an exit code and one line for stderr. */
export const describeFailure = (error: unknown, brokers: readonly string[]): Failure => {
  if (error instanceof CliError) {
    return { exitCode: error.exitCode, message: oneLine(error.message), document: error.document };
  }
  if (error instanceof RebuildError) {
    return { exitCode: rebuildExitCode[error.kind], message: oneLine(error.message), document: error.report };
  }
  if (isDomainError(error)) {
    const exitCode =
      error.code === 'validation'
        ? exitCodes.usage
        : error.code === 'not_found'
          ? exitCodes.notFound
          : exitCodes.failed;
    const rule = error.code === 'business_rule' && error.rule ? ` (${error.rule})` : '';
    return { exitCode, message: oneLine(`${error.message}${rule}`) };
  }
  const name = error instanceof Error ? error.name : '';
  const message = oneLine(error instanceof Error ? error.message : String(error));
  if (name.startsWith('KafkaJS')) {
    const cause = (error as { cause?: unknown }).cause;
    if (isConnectionRefused(error) || isConnectionRefused(cause)) {
      return { exitCode: exitCodes.failed, message: `cannot reach Kafka at ${brokers.join(',')}` };
    }
    return { exitCode: exitCodes.failed, message: `Kafka: ${message}` };
  }
  if (isConnectionRefused(error)) return { exitCode: exitCodes.failed, message: `cannot connect: ${message}` };
  const sqlState = (error as { code?: unknown }).code;
  if (typeof sqlState === 'string' && /^[0-9A-Z]{5}$/.test(sqlState)) {
    return { exitCode: exitCodes.failed, message: `PostgreSQL: ${message}` };
  }
  return { exitCode: exitCodes.failed, message: message || 'failed' };
};

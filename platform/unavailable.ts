/**
 * Failures that say a dependency (or this process's capacity) is away for a while, not that the request is
 * wrong or the code is broken: the HTTP edge answers them 503 with `Retry-After`, workers retry them.
 */
export type Dependency = 'postgres' | 'redis' | 'kafka' | 'eventstoredb' | 'identity-provider' | 'capacity';

/** Thrown where a process refuses work on purpose (a full queue) or already knows what is away. */
export class ServiceUnavailable extends Error {
  constructor(
    readonly dependency: Dependency,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ServiceUnavailable';
  }
}

/** Socket-level failures, whichever driver saw them. */
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server that is going away, starting, overloaded or cancelled the statement on a timeout:
 * class 08 (connection exception), 53 (insufficient resources), 57P01-57P05 (shutdown, cannot connect now,
 * idle session timeout), 57014 (statement timeout / cancel), 40001/40P01 are not here: they are retried.
 */
const isPostgresUnavailableCode = (code: string) =>
  code.startsWith('08') || code.startsWith('53') || code.startsWith('57P') || code === '57014';

/** pg's own messages for a connection it lost or could not get (they carry no code). */
const postgresMessages = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Client was closed and is not queryable',
  'the database system is',
  'Cannot use a pool after calling end',
];

const redisMessages = ['Connection is closed', "Stream isn't writeable", 'Reached the max retries per request'];

/** Which dependency an error says is away, or undefined for any other error. */
export const unavailableDependencyOf = (error: unknown): Dependency | undefined => {
  if (error instanceof ServiceUnavailable) return error.dependency;
  if (!(error instanceof Error)) return undefined;
  const { name, message } = error;
  const code = (error as { code?: unknown }).code;
  if (name.startsWith('KafkaJS')) return 'kafka';
  if (name === 'MaxRetriesPerRequestError' || redisMessages.some((text) => message.includes(text))) return 'redis';
  if (['UnavailableError', 'DeadlineExceededError', 'NotLeaderError'].includes(name)) return 'eventstoredb';
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && isPostgresUnavailableCode(code)) return 'postgres';
  if (postgresMessages.some((text) => message.includes(text))) return 'postgres';
  // ioredis, kafkajs and the EventStoreDB client wrap socket errors in their own; a bare one is pg's.
  if (typeof code === 'string' && networkCodes.has(code)) return 'postgres';
  const cause = (error as { cause?: unknown }).cause;
  if (cause !== undefined && cause !== error) return unavailableDependencyOf(cause);
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const dependency = unavailableDependencyOf(inner);
      if (dependency) return dependency;
    }
  }
  return undefined;
};

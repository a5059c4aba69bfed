import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';
import pretty, { prettyFactory } from 'pino-pretty';

/** One log record as the components write it: `level` (default `info`), `msg`, then any fields. */
export type LogLine = Record<string, unknown>;
export type Log = (line: LogLine) => void;

const levelNames = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
type LevelName = (typeof levelNames)[number];

const prettyOptions = {
  colorize: true,
  singleLine: true,
  translateTime: 'SYS:HH:MM:ss.l',
  ignore: 'pid,hostname,service',
} as const;

/** `LOG_FORMAT=pretty|json`; by default pretty on a terminal, JSON lines when piped (to a file, a collector, `npm start`). */
export const prettyLogs = (
  env: NodeJS.ProcessEnv = process.env,
  stream: { isTTY?: boolean } = process.stdout,
): boolean => env.LOG_FORMAT === 'pretty' || (env.LOG_FORMAT !== 'json' && stream.isTTY === true);

/** The trace a line was written in (the active OpenTelemetry span); nothing when tracing is off. */
const traceFields = (): Record<string, string> => {
  const context = trace.getActiveSpan()?.spanContext();
  return context && isSpanContextValid(context) ? { traceId: context.traceId, spanId: context.spanId } : {};
};

/**
 * A pino logger in the one shape every process writes: `{level, time, service, pid, [traceId, spanId], ...fields, msg}`,
 * `level` as a name, `time` as ISO 8601. `LOG_LEVEL` (default `info`) filters.
 */
export const createLogger = (
  service: string,
  destination: DestinationStream = prettyLogs() ? pretty({ ...prettyOptions, sync: true }) : pino.destination(1),
): Logger =>
  pino(
    {
      level: process.env.LOG_LEVEL || 'info',
      base: { service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: traceFields,
    },
    destination,
  );

let processLogger: Logger | undefined;

/** Names the process in every line it logs from now on; each process entry point calls it first. */
export const startLogging = (service: string): Logger => {
  processLogger = createLogger(service);
  return processLogger;
};

/** The process's logger (`startLogging`); `orders` until a process names itself. */
export const logger = (): Logger => {
  processLogger ??= createLogger(process.env.OTEL_SERVICE_NAME || 'orders');
  return processLogger;
};

const isLevel = (value: unknown): value is LevelName =>
  typeof value === 'string' && (levelNames as readonly string[]).includes(value);

/** Writes a `LogLine` through `to` (the process's logger by default): the adapter for components that take a `log` function. */
export const logTo =
  (to: () => Logger = logger): Log =>
  (line) => {
    const { level, msg, ...fields } = line;
    const name =
      typeof level === 'string' && isLevel(level.toLowerCase()) ? (level.toLowerCase() as LevelName) : 'info';
    to()[name](fields, typeof msg === 'string' ? msg : String(msg ?? ''));
  };

/** The default `log` of components: one line through the process's logger. */
export const log: Log = logTo();

/** Turns one JSON log line of a child process into the readable form (`npm start` on a terminal); other text as it is. */
export const prettyLine = (): ((line: string) => string) => {
  const format = prettyFactory(prettyOptions);
  return (line) => {
    if (!line.startsWith('{')) return line;
    try {
      const record = JSON.parse(line) as Record<string, unknown>;
      return typeof record.level === 'string' && 'msg' in record ? format(record).trimEnd() : line;
    } catch {
      return line;
    }
  };
};

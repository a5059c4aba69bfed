/**
 * `npm start`: brings the local stack up, then runs every service as a child process with prefixed output,
 * under a supervisor (deploy/supervisor.ts): a service that exits unexpectedly is restarted with backoff, one
 * asked to stop is not. Ctrl-C (or SIGTERM) stops the services and waits for them; the stack stays up
 * (`npm run stack:down` stops it).
 */
import { spawn } from 'node:child_process';
import { prettyLine, prettyLogs, startLogging } from '../platform/logger.ts';
import { loadAuthSettings, localAuthSecretFile } from './auth-config.ts';
import { entryArguments, sourceRoot } from './entry-arguments.ts';
import { instancesOf } from './instances.ts';
import { runDirOf } from './local/run-state.ts';
import { services } from './services.ts';
import { Supervisor } from './supervisor.ts';

const root = sourceRoot;
const logger = startLogging('supervisor');

const runStackUp = () =>
  new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'deploy/local/stack.ts', 'up'], {
      cwd: root,
      stdio: 'inherit',
    });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`stack:up exited with ${code}`))));
  });

try {
  await runStackUp();
} catch (error) {
  logger.fatal((error as Error).message);
  process.exit(1);
}

// The services log JSON lines (their output is a pipe); on a terminal they are shown the readable way.
const readable = prettyLogs() ? prettyLine() : (line: string) => line;
try {
  const { keys } = loadAuthSettings();
  if (keys.kind === 'secret' && keys.source === 'local-file') {
    const keyFile = localAuthSecretFile(runDirOf());
    logger.warn(
      { keyFile },
      `a local development key is in use (${keyFile}); set AUTH_JWT_SECRET or AUTH_JWKS_URL for anything shared`,
    );
  }
} catch (error) {
  logger.fatal((error as Error).message);
  process.exit(1);
}

const supervisor = new Supervisor({
  log: (message) => logger.info(message),
  output: (name, line, stream) =>
    (stream === 'stdout' ? process.stdout : process.stderr).write(
      prettyLogs() || !line.startsWith('{') ? `${name.padEnd(12)} | ${readable(line)}\n` : `${line}\n`,
    ),
});

let instances: ReturnType<typeof instancesOf>[];
try {
  instances = services.map((service) => instancesOf(service, process.env));
} catch (error) {
  logger.fatal((error as Error).message);
  process.exit(2);
}
for (const [index, service] of services.entries()) {
  for (const instance of instances[index]!) {
    supervisor.start({
      name: instance.name,
      command: process.execPath,
      args: entryArguments(instance.entry),
      cwd: root,
      ...(Object.keys(instance.env).length > 0 ? { env: { ...process.env, ...instance.env } } : {}),
    });
  }
  if (service.url) logger.info({ url: service.url(process.env) }, `${service.name} at ${service.url(process.env)}`);
}

const stop = async (reason: string) => {
  logger.info({ reason }, 'stopping services');
  await supervisor.stop();
  process.exit(0);
};
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));

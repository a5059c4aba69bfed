/**
 * `npm start`: brings the local stack up, then runs every service as a child process with prefixed output,
 * under a supervisor (deploy/supervisor.ts): a service that exits unexpectedly is restarted with backoff, one
 * asked to stop is not. Ctrl-C (or SIGTERM) stops the services and waits for them; the stack stays up
 * (`npm run stack:down` stops it).
 */
import { spawn } from 'node:child_process';
import { entryArguments, sourceRoot } from './entry-arguments.ts';
import { services } from './services.ts';
import { Supervisor } from './supervisor.ts';

const root = sourceRoot;

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
  console.error((error as Error).message);
  process.exit(1);
}

const supervisor = new Supervisor({
  log: (message) => console.log(`${'supervisor'.padEnd(12)} | ${message}`),
  output: (name, line, stream) =>
    (stream === 'stdout' ? process.stdout : process.stderr).write(`${name.padEnd(12)} | ${line}\n`),
});

for (const service of services) {
  supervisor.start({
    name: service.name,
    command: process.execPath,
    args: entryArguments(service.entry),
    cwd: root,
  });
  if (service.url) console.log(`${service.name.padEnd(12)} | ${service.url(process.env)}`);
}

const stop = async (reason: string) => {
  console.log(`stopping services (${reason})`);
  await supervisor.stop();
  process.exit(0);
};
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));

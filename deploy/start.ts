/**
 * `npm start`: brings the local stack up, then runs every service as a child process with
 * prefixed output. Ctrl-C (or SIGTERM) stops the services and waits for them; the stack stays up
 * (`npm run stack:down` stops it). If one service dies, the others are stopped too.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { entryArguments, sourceRoot } from './entry-arguments.ts';
import { services } from './services.ts';

const root = sourceRoot;

const runStackUp = () =>
  new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'deploy/local/stack.ts', 'up'], {
      cwd: root,
      stdio: 'inherit',
    });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`stack:up exited with ${code}`))));
  });

const prefixLines = (stream: NodeJS.ReadableStream, name: string, out: NodeJS.WritableStream) => {
  createInterface({ input: stream }).on('line', (line) => out.write(`${name.padEnd(12)} | ${line}\n`));
};

try {
  await runStackUp();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const running = new Map<string, ChildProcess>();
let stopping = false;
let failed = false;

const stopAll = (reason: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`stopping services (${reason})`);
  for (const child of running.values()) child.kill('SIGTERM');
  setTimeout(() => {
    for (const child of running.values()) child.kill('SIGKILL');
  }, 10_000).unref();
};

for (const service of services) {
  const child = spawn(process.execPath, entryArguments(service.entry), {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.set(service.name, child);
  prefixLines(child.stdout!, service.name, process.stdout);
  prefixLines(child.stderr!, service.name, process.stderr);
  child.on('exit', (code, signal) => {
    running.delete(service.name);
    if (!stopping) {
      failed = true;
      stopAll(`${service.name} exited with ${signal ?? code}`);
    }
    if (running.size === 0) process.exit(failed ? 1 : 0);
  });
  if (service.url) console.log(`${service.name.padEnd(12)} | ${service.url(process.env)}`);
}

process.on('SIGINT', () => stopAll('SIGINT'));
process.on('SIGTERM', () => stopAll('SIGTERM'));

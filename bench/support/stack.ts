import { spawn } from 'node:child_process';

const root = new URL('../..', import.meta.url).pathname;

/**
 * `deploy/local/stack.ts up` as a child, as test/run.ts does: starts whatever of Kafka, PostgreSQL and
 * Redis is not running yet and leaves running what it found. Its lines are passed on to `log`.
 */
export const bringStackUp = (log: (line: string) => void, timeoutMs = 600_000): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'deploy/local/stack.ts', 'up'], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const lines = output.split('\n');
      output = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) log(`  ${line}`);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (output.trim()) log(`  ${output.trim()}`);
      if (code === 0) resolve();
      else reject(new Error(`the local stack did not come up (stack.ts up exited with ${code})`));
    });
  });

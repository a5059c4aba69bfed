import type { ChildProcess } from 'node:child_process';

/** A spawned service a test watches: everything it wrote, its exit, and a kill that waits for that exit. */
export interface WatchedProcess {
  child: ChildProcess;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends the signal (unless the process is gone) and waits for the exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Collects stdout and stderr of a child spawned with piped output and tracks its exit. */
export const watchProcess = (child: ChildProcess): WatchedProcess => {
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output,
    exited,
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
};

import { type ChildProcess, fork } from 'node:child_process';
import type { OpenLoadResult } from './open-load.ts';

/**
 * The load generator runs in a process of its own (load-generator-process.ts), so its event loop never
 * competes with the watcher that detects settled orders, and its CPU is measured like every other part.
 */

/** One open-model step: `rate` orders/s for `durationMs`, each order one line of one of `skus`. */
export interface LoadStep {
  step: string;
  baseUrl: string;
  rate: number;
  durationMs: number;
  skus: string[];
  unitPrice: number;
  /** The system's HS256 token secret: the generator mints each customer's own token with it and orders as them. */
  authSecret: string;
}

/** [scheduledAt, sentAt, answeredAt, status, orderId or ''] (epoch ms): compact over IPC. */
export type AnswerRow = [number, number, number, number, string];

export type GeneratorMessage =
  | { type: 'answers'; step: string; rows: AnswerRow[] }
  | { type: 'done'; step: string; result: OpenLoadResult }
  | { type: 'failed'; step: string; error: string };

export interface LoadGenerator {
  pid: number;
  /** Runs one step; `onAnswers` receives the answers in batches while it runs. */
  run(step: LoadStep, onAnswers: (rows: AnswerRow[]) => void): Promise<OpenLoadResult>;
  stop(): Promise<void>;
}

export const startLoadGenerator = (): LoadGenerator => {
  const child: ChildProcess = fork(new URL('./load-generator-process.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the load generator did not start');
  let current: { step: string; onAnswers: (rows: AnswerRow[]) => void; settle: (message: GeneratorMessage) => void };
  child.on('message', (message: GeneratorMessage) => {
    if (!current || message.step !== current.step) return;
    if (message.type === 'answers') current.onAnswers(message.rows);
    else current.settle(message);
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => reject(new Error(`the load generator exited with ${signal ?? code}`))),
  );
  exited.catch(() => undefined);
  return {
    pid,
    run: (step, onAnswers) =>
      Promise.race([
        exited,
        new Promise<OpenLoadResult>((resolve, reject) => {
          current = {
            step: step.step,
            onAnswers,
            settle: (message) => {
              if (message.type === 'done') resolve(message.result);
              else if (message.type === 'failed') reject(new Error(`load generator: ${message.error}`));
            },
          };
          child.send(step);
        }),
      ]),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await gone;
    },
  };
};

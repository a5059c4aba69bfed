import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { logger } from '../platform/logger.ts';

export interface SupervisedProcess {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface RestartPolicy {
  /** Pause before the first restart; doubled after each restart that did not stay up. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** A run at least this long counts as healthy: the next crash waits `initialDelayMs` again. */
  stableAfterMs: number;
}

export const defaultRestartPolicy: RestartPolicy = { initialDelayMs: 500, maxDelayMs: 30_000, stableAfterMs: 60_000 };

export interface SupervisorOptions {
  policy?: RestartPolicy;
  /** The supervisor's own lines (`restarting relay in 1 s ...`). */
  log?: (message: string) => void;
  /** Each line a process writes, with the stream it came on. */
  output?: (name: string, line: string, stream: 'stdout' | 'stderr') => void;
  /** How long `stop()` waits after SIGTERM before it sends SIGKILL. */
  stopGraceMs?: number;
}

interface Slot {
  process: SupervisedProcess;
  child?: ChildProcess;
  startedAt: number;
  delayMs: number;
  restarts: number;
  timer?: NodeJS.Timeout;
}

/**
 * Runs processes and keeps them running: one that exits unexpectedly (a non-zero code or a signal such as
 * SIGKILL) is started again after a pause that doubles while it keeps failing (500 ms, 1 s, 2 s, ... up to
 * 30 s; back to 500 ms after a minute up), and each exit and restart is logged. One that was asked to stop
 * is never restarted: everything after `stop()`, and a process that exits with 0 by itself (it handled a
 * SIGTERM sent to it directly).
 */
export class Supervisor {
  private readonly slots = new Map<string, Slot>();
  private readonly policy: RestartPolicy;
  private readonly log: (message: string) => void;
  private readonly output: NonNullable<SupervisorOptions['output']>;
  private readonly stopGraceMs: number;
  private stopping: Promise<void> | undefined;

  constructor(options: SupervisorOptions = {}) {
    this.policy = options.policy ?? defaultRestartPolicy;
    this.log = options.log ?? ((message) => logger().info(message));
    this.output = options.output ?? (() => undefined);
    this.stopGraceMs = options.stopGraceMs ?? 10_000;
  }

  start(process: SupervisedProcess): void {
    if (this.slots.has(process.name)) throw new Error(`a process named ${process.name} is already supervised`);
    const slot: Slot = {
      process,
      startedAt: 0,
      delayMs: this.policy.initialDelayMs,
      restarts: 0,
    };
    this.slots.set(process.name, slot);
    this.launch(slot);
  }

  /** Pid of a running process (tests SIGKILL it). */
  pidOf(name: string): number | undefined {
    const child = this.slots.get(name)?.child;
    return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
  }

  restartsOf(name: string): number {
    return this.slots.get(name)?.restarts ?? 0;
  }

  /** SIGTERM to every process, SIGKILL to any still running after the grace period; nothing restarts. */
  stop(): Promise<void> {
    this.stopping ??= Promise.all(
      [...this.slots.values()].map(async (slot) => {
        clearTimeout(slot.timer);
        const child = slot.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), this.stopGraceMs);
        await exited;
        clearTimeout(timer);
      }),
    ).then(() => undefined);
    return this.stopping;
  }

  private launch(slot: Slot): void {
    const { name, command, args, cwd, env } = slot.process;
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    slot.child = child;
    slot.startedAt = Date.now();
    createInterface({ input: child.stdout! }).on('line', (line) => this.output(name, line, 'stdout'));
    createInterface({ input: child.stderr! }).on('line', (line) => this.output(name, line, 'stderr'));
    child.on('error', (error) => this.log(`${name} could not be started: ${error.message}`));
    child.on('exit', (code, signal) => this.exited(slot, code, signal));
  }

  private exited(slot: Slot, code: number | null, signal: NodeJS.Signals | null): void {
    const { name } = slot.process;
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (this.stopping) return;
    if (code === 0) {
      this.log(`${name} exited with code 0 (asked to stop): not restarted`);
      return;
    }
    const ranMs = Date.now() - slot.startedAt;
    if (ranMs >= this.policy.stableAfterMs) slot.delayMs = this.policy.initialDelayMs;
    const delayMs = slot.delayMs;
    slot.delayMs = Math.min(slot.delayMs * 2, this.policy.maxDelayMs);
    slot.restarts++;
    this.log(
      `${name} exited unexpectedly with ${how} after ${(ranMs / 1000).toFixed(1)} s: ` +
        `restart ${slot.restarts} in ${(delayMs / 1000).toFixed(1)} s`,
    );
    slot.timer = setTimeout(() => {
      if (!this.stopping) this.launch(slot);
    }, delayMs);
  }
}

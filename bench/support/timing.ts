import { performance } from 'node:perf_hooks';

export const now = (): number => performance.now();

/** Runs `work` and answers how long it took in milliseconds, with its result. */
export const timed = async <T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> => {
  const started = now();
  const value = await work();
  return { ms: now() - started, value };
};

export interface ClosedLoopResult {
  /** Operations completed in the measured phase. */
  operations: number;
  /** Items those operations carried (events, rows); equals `operations` for one item each. */
  items: number;
  /** From the start of the measured phase until the last operation in flight finished. */
  elapsedMs: number;
  latenciesMs: number[];
  /** CPU time this Node process used in the measured phase (the client's share of the machine). */
  clientCpuMs: number;
}

export interface ClosedLoopOptions {
  workers: number;
  /** Run the same load this long first, unmeasured: connections open, statements prepared, caches warm. */
  warmupMs: number;
  durationMs: number;
  /** One operation of one worker; resolves with the number of items it carried. `sequence` counts per worker. */
  operation: (worker: number, sequence: number) => Promise<number>;
}

/**
 * `workers` loops, each issuing its next operation as soon as the previous one answered (a closed loop,
 * like command handlers waiting on their append). No new operation starts after the deadline; those in
 * flight finish and count, and the elapsed time runs until the last of them.
 */
export const runClosedLoop = async ({
  workers,
  warmupMs,
  durationMs,
  operation,
}: ClosedLoopOptions): Promise<ClosedLoopResult> => {
  const sequences = new Array<number>(workers).fill(0);
  const phase = async (ms: number, latencies: number[] | undefined) => {
    const deadline = now() + ms;
    let operations = 0;
    let items = 0;
    const loop = async (worker: number) => {
      while (now() < deadline) {
        const sequence = sequences[worker] ?? 0;
        sequences[worker] = sequence + 1;
        const started = now();
        // Awaited into a constant first: `items += await ...` would read `items` before the await and lose
        // the other workers' additions.
        const carried = await operation(worker, sequence);
        items += carried;
        latencies?.push(now() - started);
        operations += 1;
      }
    };
    await Promise.all(Array.from({ length: workers }, (_, worker) => loop(worker)));
    return { operations, items };
  };
  if (warmupMs > 0) await phase(warmupMs, undefined);
  const latenciesMs: number[] = [];
  const cpuBefore = process.cpuUsage();
  const started = now();
  const { operations, items } = await phase(durationMs, latenciesMs);
  const elapsedMs = now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return { operations, items, elapsedMs, latenciesMs, clientCpuMs: (cpu.user + cpu.system) / 1000 };
};

/** Per second, from a count and milliseconds. */
export const perSecond = (count: number, ms: number): number => (ms > 0 ? (count * 1000) / ms : Number.NaN);

import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of processes from /proc/<pid>/stat (Linux), so the benchmark can say how many milliseconds of
 * CPU each part of the system spent per order: a figure that survives a busy machine, unlike throughput.
 */

/** Clock ticks per second of utime/stime/starttime in /proc (USER_HZ); 100 on every Linux we run on. */
export const clockTicksPerSecond = 100;

export interface ProcessStat {
  pid: number;
  /** The executable's name (at most 15 characters), e.g. `postgres`, `node`, `java`. */
  comm: string;
  /** User plus system CPU time, milliseconds. */
  cpuMs: number;
  /** When the process started, in clock ticks since boot. */
  startTicks: number;
}

/**
 * Parses one /proc/<pid>/stat line. The command name is in parentheses and may itself contain spaces and
 * parentheses, so the fields are counted from the LAST closing parenthesis (proc(5): utime and stime are
 * fields 14 and 15, starttime field 22).
 */
export const parseProcStat = (line: string): ProcessStat => {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc/<pid>/stat line: ${line.slice(0, 80)}`);
  const pid = Number(line.slice(0, open).trim());
  // After ")": field 3 (state) is at index 0, so field n is at index n - 3.
  const fields = line
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const field = (n: number) => Number(fields[n - 3]);
  const utime = field(14);
  const stime = field(15);
  const startTicks = field(22);
  if (![pid, utime, stime, startTicks].every(Number.isFinite)) {
    throw new Error(`unreadable /proc/<pid>/stat line: ${line.slice(0, 80)}`);
  }
  return { pid, comm: line.slice(open + 1, close), cpuMs: ((utime + stime) * 1000) / clockTicksPerSecond, startTicks };
};

/** The stat of one process, or undefined when it has exited. */
export const readProcessStat = (pid: number): ProcessStat | undefined => {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
};

/** Every process whose command line contains `fragment` (e.g. `kafka.Kafka`). */
export const findProcesses = (matches: (commandLine: string, comm: string) => boolean): number[] => {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (matches(commandLine, comm)) found.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return found;
};

/** Ticks since boot now, from /proc/uptime: compared with a process's start to know if it began later. */
export const ticksSinceBoot = (): number =>
  Math.floor(Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * clockTicksPerSecond);

/**
 * CPU per group of processes over a window. Every observation of a process adds what it used since the
 * previous one; a process first seen inside the window counts from zero when it started after the window
 * opened (a new PostgreSQL backend), else from the first observation. A process that exits between two
 * observations loses at most what it used in that last interval, so observe often (about once a second).
 */
export class CpuLedger {
  readonly #last = new Map<number, number>();
  readonly #totals = new Map<string, number>();
  readonly #openedAtTicks: number;

  constructor(openedAtTicks: number) {
    this.#openedAtTicks = openedAtTicks;
  }

  observe(group: string, stat: ProcessStat): void {
    const previous = this.#last.get(stat.pid) ?? (stat.startTicks >= this.#openedAtTicks ? 0 : undefined);
    this.#last.set(stat.pid, stat.cpuMs);
    if (previous === undefined) {
      this.#totals.set(group, this.#totals.get(group) ?? 0);
      return;
    }
    this.#totals.set(group, (this.#totals.get(group) ?? 0) + Math.max(0, stat.cpuMs - previous));
  }

  /** Milliseconds of CPU per group since the window opened. */
  totals(): Record<string, number> {
    return Object.fromEntries([...this.#totals].map(([group, ms]) => [group, Math.round(ms)]));
  }
}

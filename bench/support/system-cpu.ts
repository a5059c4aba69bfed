import { readdirSync, readFileSync } from 'node:fs';
import type pg from 'pg';
import { CpuLedger, findProcesses, type ProcessStat, readProcessStat, ticksSinceBoot } from './process-cpu.ts';

/**
 * CPU of every part of the system under test over a measured window, sampled once a second:
 * the services (by pid), PostgreSQL backends serving them (by application_name), the rest of PostgreSQL
 * (background writers, other clients), the Kafka JVM, Redis, the load generator and the benchmark's own
 * observer. Kafka, Redis and PostgreSQL are shared servers: on a busy machine their figures include other
 * people's work, the services' and backends' figures do not.
 */
export interface CpuSources {
  /** Process ids by the name they get in the result. */
  processes: Record<string, number>;
  /** application_name of the system's PostgreSQL connections, and of the benchmark's own. */
  systemApplicationName: string;
  observerApplicationName: string;
  /** A connection that may read pg_stat_activity. */
  pool: pg.Pool;
}

const postgresPids = (): number[] => {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') found.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return found;
};

export const cpuGroups = {
  postgresBackends: 'postgres backends',
  postgresOther: 'postgres other',
  kafka: 'kafka',
  redis: 'redis',
  observer: 'bench observer',
} as const;

export class SystemCpuSampler {
  readonly #sources: CpuSources;
  readonly #kafka = findProcesses((commandLine) => commandLine.includes('kafka.Kafka'));
  readonly #redis = findProcesses((_, comm) => comm === 'redis-server');
  #ledger: CpuLedger | undefined;
  #timer: NodeJS.Timeout | undefined;
  #sampling: Promise<void> = Promise.resolve();

  constructor(sources: CpuSources) {
    this.#sources = sources;
  }

  /** Opens a window: everything from now on counts, until close(). */
  async open(): Promise<void> {
    await this.#sampling;
    this.#ledger = new CpuLedger(ticksSinceBoot());
    await this.#sample();
    this.#timer = setInterval(() => {
      this.#sampling = this.#sample().catch(() => undefined);
    }, 1_000);
  }

  /** Closes the window: CPU milliseconds per group. */
  async close(): Promise<Record<string, number>> {
    clearInterval(this.#timer);
    await this.#sampling;
    await this.#sample();
    const totals = this.#ledger?.totals() ?? {};
    this.#ledger = undefined;
    return totals;
  }

  async #sample(): Promise<void> {
    const ledger = this.#ledger;
    if (!ledger) return;
    const observe = (group: string, stat: ProcessStat | undefined) => {
      if (stat) ledger.observe(group, stat);
    };
    const { systemApplicationName, observerApplicationName } = this.#sources;
    const { rows } = await this.#sources.pool.query<{ pid: number; application_name: string }>(
      'SELECT pid, application_name FROM pg_stat_activity WHERE application_name = ANY($1::text[])',
      [[systemApplicationName, observerApplicationName]],
    );
    const backends = new Map(rows.map((row) => [row.pid, row.application_name]));
    for (const [name, pid] of Object.entries(this.#sources.processes)) observe(name, readProcessStat(pid));
    observe(cpuGroups.observer, readProcessStat(process.pid));
    for (const pid of postgresPids()) {
      const application = backends.get(pid);
      const group =
        application === systemApplicationName
          ? cpuGroups.postgresBackends
          : application === observerApplicationName
            ? cpuGroups.observer
            : cpuGroups.postgresOther;
      observe(group, readProcessStat(pid));
    }
    for (const pid of this.#kafka) observe(cpuGroups.kafka, readProcessStat(pid));
    for (const pid of this.#redis) observe(cpuGroups.redis, readProcessStat(pid));
  }
}

import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { commandLineOf } from '../../deploy/local/processes.ts';
import { readState, runDirOf } from '../../deploy/local/run-state.ts';

export interface MachineDescription {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  postgres: string;
  /** The settings that decide what a commit costs. */
  postgresSettings: Record<string, string>;
  kafka: string;
  java: string;
  libraries: Record<string, string>;
  /** 1, 5 and 15 minute load averages when the run started; on 2 cores anything above ~1 means other work. */
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
  uptimeAtStart: string;
}

const root = new URL('../..', import.meta.url).pathname;

const libraryVersion = (name: string): string => {
  try {
    const manifest = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as {
      version?: string;
    };
    return manifest.version ?? 'unknown';
  } catch {
    return 'not installed';
  }
};

const postgresDescription = async (databaseUrl: string) => {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const version = (await client.query<{ version: string }>('SELECT version()')).rows[0]?.version ?? 'unknown';
    const names = ['fsync', 'synchronous_commit', 'wal_level', 'shared_buffers', 'max_connections', 'max_wal_size'];
    const { rows } = await client.query<{ name: string; setting: string }>(
      'SELECT name, current_setting(name) AS setting FROM unnest($1::text[]) AS name ORDER BY name',
      [names],
    );
    const settings = Object.fromEntries(rows.map((row) => [row.name, row.setting]));
    return { version, settings };
  } finally {
    await client.end();
  }
};

/** The version in the name of the broker jar on the classpath of the broker `stack up` started. */
const kafkaVersion = (): string => {
  const pid = readState(runDirOf()).kafka?.pid;
  if (pid === undefined) return 'unknown (broker not started by deploy/local)';
  const args = commandLineOf(pid);
  const classpath = args[args.indexOf('-cp') + 1];
  if (!classpath) return 'unknown (broker classpath not readable)';
  for (const entry of classpath.split(':')) {
    const dir = entry.endsWith('*') ? dirname(entry) : entry;
    try {
      const jar = readdirSync(dir).find((file) => /^kafka_[\d.]+-.+\.jar$/.test(file));
      const version = jar ? /^kafka_[\d.]+-(.+)\.jar$/.exec(jar)?.[1] : undefined;
      if (version) return `Apache Kafka ${version} (KRaft, one broker)`;
    } catch {
      // Not a directory: a single jar on the classpath.
    }
  }
  return 'unknown';
};

/** `java -version` writes to stderr. */
const javaVersion = (): string => {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8', timeout: 30_000 });
  return `${probe.stderr ?? ''}${probe.stdout ?? ''}`.split('\n')[0]?.trim() || 'not found';
};

const uptime = (): string => {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return `load average: ${os
      .loadavg()
      .map((load) => load.toFixed(2))
      .join(', ')}`;
  }
};

export interface CodeRevision {
  commit: string;
  /** Files of the measured code (not bench/ or docs/) that differ from the commit: the figures include them. */
  uncommitted: string[];
}

const git = (args: string[]): string => {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trimEnd();
  } catch {
    return '';
  }
};

/** Which code a result measured, so figures taken while the code moves can be told apart. */
export const describeCode = (): CodeRevision => ({
  commit: git(['log', '-1', '--format=%h %s']).slice(0, 120) || 'unknown (not a git checkout)',
  uncommitted: git(['status', '--porcelain', '--', 'commands', 'deploy', 'schemas', 'domain', 'projections'])
    .split('\n')
    .filter(Boolean),
});

export const describeMachine = async (databaseUrl: string): Promise<MachineDescription> => {
  const postgres = await postgresDescription(databaseUrl);
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    postgres: postgres.version,
    postgresSettings: postgres.settings,
    kafka: kafkaVersion(),
    java: javaVersion(),
    libraries: Object.fromEntries(
      [
        'pg',
        'kafkajs',
        '@platformatic/kafka',
        '@event-driven-io/emmett',
        '@event-driven-io/emmett-postgresql',
        '@event-driven-io/dumbo',
        'avsc',
      ].map((name) => [name, libraryVersion(name)]),
    ),
    loadAverageAtStart: os.loadavg().map((load) => Math.round(load * 100) / 100),
    uptimeAtStart: uptime(),
  };
};

/** Adds the load averages at the end of the run, so a reader sees whether other work competed meanwhile. */
export const finishMachineDescription = (machine: MachineDescription): MachineDescription => ({
  ...machine,
  loadAverageAtEnd: os.loadavg().map((load) => Math.round(load * 100) / 100),
});

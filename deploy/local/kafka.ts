import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaAnswers } from '../kafka-admin.ts';
import { type KafkaEndpoint, log4jProperties, serverProperties } from './kafka-config.ts';
import { kafkaLibsDir } from './kafka-libs.ts';
import { assertPortFree, findJava, SetupError } from './preflight.ts';
import { commandLineOf, isAlive, sleep, spawnDetached, stopProcess, tailOf } from './processes.ts';

/** The files of one broker inside a run dir. */
export const kafkaPaths = (runDir: string) => {
  const dir = join(runDir, 'kafka');
  return {
    dir,
    dataDir: join(dir, 'data'),
    logsDir: join(dir, 'logs'),
    serverLog: join(dir, 'logs', 'server.log'),
    consoleLog: join(dir, 'console.log'),
    serverProperties: join(dir, 'server.properties'),
    log4jProperties: join(dir, 'log4j.properties'),
    clusterIdFile: join(dir, 'cluster.id'),
  };
};

/** The pid is a broker this run dir started (guards against a recycled pid belonging to something else). */
export const isOurBroker = (pid: number, runDir: string): boolean => {
  if (!isAlive(pid)) return false;
  const args = commandLineOf(pid);
  return args.includes('kafka.Kafka') && args.includes(kafkaPaths(runDir).serverProperties);
};

/** Everything a broker start needs, checked before anything is started: JDK and free ports. */
export const preflightKafka = async (endpoint: KafkaEndpoint, env: NodeJS.ProcessEnv): Promise<string> => {
  const java = findJava(env);
  await assertPortFree(endpoint.host, endpoint.port, endpoint.portSetting);
  await assertPortFree(endpoint.host, endpoint.controllerPort, 'KAFKA_CONTROLLER_PORT');
  return java;
};

const runTool = (java: string, cacheDir: string, args: string[], cwd: string): string => {
  const result = spawnSync(java, ['-cp', join(kafkaLibsDir(cacheDir), '*'), 'kafka.tools.StorageTool', ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0) {
    throw new Error(`kafka.tools.StorageTool ${args[0]} failed:\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
};

/** Writes the broker's configuration and formats its storage once (cluster id generated once and kept). */
export const prepareKafka = (java: string, endpoint: KafkaEndpoint, runDir: string, cacheDir: string): void => {
  const paths = kafkaPaths(runDir);
  mkdirSync(paths.logsDir, { recursive: true });
  writeFileSync(paths.serverProperties, serverProperties(endpoint, paths.dataDir));
  writeFileSync(paths.log4jProperties, log4jProperties(paths.logsDir));
  if (!existsSync(paths.clusterIdFile)) {
    const clusterId = /^[A-Za-z0-9_-]{22}$/m.exec(runTool(java, cacheDir, ['random-uuid'], paths.dir))?.[0];
    if (!clusterId) throw new Error('kafka.tools.StorageTool random-uuid printed no cluster id');
    writeFileSync(paths.clusterIdFile, `${clusterId}\n`);
  }
  if (existsSync(join(paths.dataDir, 'meta.properties'))) return;
  const clusterId = readFileSync(paths.clusterIdFile, 'utf8').trim();
  runTool(java, cacheDir, ['format', '-t', clusterId, '-c', paths.serverProperties, '--ignore-formatted'], paths.dir);
};

/** The broker's command line: one JVM, its configuration and logs in the run dir, the jars from the cache. */
export const kafkaCommand = (java: string, runDir: string, cacheDir: string) => {
  const paths = kafkaPaths(runDir);
  return {
    command: java,
    args: [
      '-Xmx512m',
      '-Xms512m',
      '-XX:+UseG1GC',
      '-XX:+ExitOnOutOfMemoryError',
      '-Djava.awt.headless=true',
      `-Dkafka.logs.dir=${paths.logsDir}`,
      `-Dlog4j.configuration=file:${paths.log4jProperties}`,
      '-cp',
      join(kafkaLibsDir(cacheDir), '*'),
      'kafka.Kafka',
      paths.serverProperties,
    ],
    cwd: paths.dir,
    outputFile: paths.consoleLog,
  };
};

export const startKafka = (java: string, runDir: string, cacheDir: string): number => {
  const { command, args, cwd, outputFile } = kafkaCommand(java, runDir, cacheDir);
  return spawnDetached(command, args, { cwd, outputFile });
};

/** Polls a metadata request until the broker answers; fails early, with its log, if the process dies. */
export const waitForKafka = async (
  endpoint: KafkaEndpoint,
  pid: number,
  runDir: string,
  timeoutMs = 90_000,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  const paths = kafkaPaths(runDir);
  for (;;) {
    if (!isAlive(pid)) {
      throw new Error(
        `Kafka (pid ${pid}) exited during start. Last lines of ${paths.serverLog}:\n${tailOf(paths.serverLog)}\n` +
          `Console (${paths.consoleLog}):\n${tailOf(paths.consoleLog, 10)}`,
      );
    }
    if (await kafkaAnswers(endpoint.brokers, 1_000)) return;
    if (Date.now() > deadline) {
      throw new SetupError(
        `Kafka on ${endpoint.brokers[0]} did not answer within ${timeoutMs / 1000} s: see ${paths.serverLog}`,
      );
    }
    await sleep(200);
  }
};

/** A controlled shutdown takes a few seconds; after the grace period the broker is killed. */
export const stopKafka = (pid: number, graceMs = 30_000) => stopProcess(pid, graceMs);

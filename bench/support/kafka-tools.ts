import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findJava, findMaven } from '../../deploy/local/preflight.ts';
import { runToCompletion, tailOf } from '../../deploy/local/processes.ts';
import { cacheDirOf, withDirLock } from '../../deploy/local/run-state.ts';

const pomFile = new URL('../kafka-tools/pom.xml', import.meta.url).pathname;
const toolsJar = 'kafka-tools-3.9.1.jar';

/** Beside the broker's jars in the stack's cache (git-ignored, STACK_CACHE_DIR moves it). */
export const kafkaToolsLibsDir = (cacheDir = cacheDirOf()): string => join(cacheDir, 'kafka-tools-libs');

// Holds the pom's hash, written only after Maven succeeded: a half-finished or outdated copy is fetched again.
const markerFile = (cacheDir: string) => join(kafkaToolsLibsDir(cacheDir), '.complete');
const pomHash = () => createHash('sha256').update(readFileSync(pomFile)).digest('hex');

const libsReady = (cacheDir: string): boolean => {
  try {
    return readFileSync(markerFile(cacheDir), 'utf8').trim() === pomHash();
  } catch {
    return false;
  }
};

/** Copies kafka-tools and its dependencies from Maven Central once; later runs find them in the cache. */
export const ensureKafkaToolsLibs = async (log: (line: string) => void, cacheDir = cacheDirOf()): Promise<string> => {
  const libs = kafkaToolsLibsDir(cacheDir);
  if (libsReady(cacheDir)) return libs;
  const mvn = findMaven();
  return withDirLock(cacheDir, async () => {
    if (libsReady(cacheDir)) return libs;
    log(`  fetching ${toolsJar} and its dependencies with Maven into ${libs}`);
    rmSync(libs, { recursive: true, force: true });
    mkdirSync(libs, { recursive: true });
    const mavenLog = join(cacheDir, 'mvn-kafka-tools.log');
    const code = await runToCompletion(
      mvn,
      ['-q', '-B', '-Dstyle.color=never', '-f', pomFile, 'dependency:copy-dependencies', `-DoutputDirectory=${libs}`],
      { cwd: cacheDir, outputFile: mavenLog },
    );
    if (code !== 0 || !existsSync(join(libs, toolsJar))) {
      throw new Error(`Maven could not fetch ${toolsJar} (exit ${code}):\n${tailOf(mavenLog, 20)}`);
    }
    writeFileSync(markerFile(cacheDir), `${pomHash()}\n`);
    return libs;
  });
};

export interface ProducerPerformanceResult {
  records: number;
  recordsPerSec: number;
  mbPerSec: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  p50Ms: number;
  p99Ms: number;
}

// The final line, e.g. "100000 records sent, 53361.79 records/sec (4.83 MB/sec), 245.45 ms avg latency,
// 544.00 ms max latency, 211 ms 50th, 480 ms 95th, 530 ms 99th, 543 ms 99.9th."
const summaryPattern =
  /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th/;

export const parseProducerPerformance = (output: string): ProducerPerformanceResult => {
  const match = output
    .split('\n')
    .map((line) => summaryPattern.exec(line))
    .filter((found) => found !== null)
    .at(-1);
  if (!match) throw new Error(`ProducerPerformance printed no summary line:\n${output.slice(-2_000)}`);
  const number = (index: number) => Number(match[index]);
  return {
    records: number(1),
    recordsPerSec: number(2),
    mbPerSec: number(3),
    avgLatencyMs: number(4),
    maxLatencyMs: number(5),
    p50Ms: number(6),
    p99Ms: number(8),
  };
};

export interface ProducerPerformanceOptions {
  libs: string;
  topic: string;
  records: number;
  recordSize: number;
  brokers: string[];
  timeoutMs?: number;
}

/**
 * The Apache producer benchmark at full speed (`--throughput -1`) with the relay's guarantees:
 * acks=all and the idempotent producer. It times itself from its first send to its last acknowledgement,
 * so the JVM's start is not in its figure (its warm-up is).
 */
export const runProducerPerformance = ({
  libs,
  topic,
  records,
  recordSize,
  brokers,
  timeoutMs = 600_000,
}: ProducerPerformanceOptions): Promise<ProducerPerformanceResult> =>
  new Promise((resolve, reject) => {
    const args = [
      '-cp',
      join(libs, '*'),
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      topic,
      '--num-records',
      String(records),
      '--record-size',
      String(recordSize),
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${brokers.join(',')}`,
      'acks=all',
      'enable.idempotence=true',
    ];
    const child = spawn(findJava(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`ProducerPerformance exited with ${code}:\n${output.slice(-2_000)}`));
      try {
        resolve(parseProducerPerformance(output));
      } catch (error) {
        reject(error);
      }
    });
  });

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findMaven, SetupError } from './preflight.ts';
import { runToCompletion, tailOf } from './processes.ts';
import { withDirLock } from './run-state.ts';

const pomFile = new URL('./kafka/pom.xml', import.meta.url).pathname;

export const kafkaLibsDir = (cacheDir: string): string => join(cacheDir, 'kafka-libs');

// The marker holds the pom's hash: written only after Maven succeeded, so a half-finished or outdated
// download is fetched again.
const markerFile = (cacheDir: string) => join(kafkaLibsDir(cacheDir), '.complete');
const pomHash = () => createHash('sha256').update(readFileSync(pomFile)).digest('hex');

export const kafkaLibsReady = (cacheDir: string): boolean => {
  try {
    return readFileSync(markerFile(cacheDir), 'utf8').trim() === pomHash();
  } catch {
    return false;
  }
};

/** Copies the Kafka jars from Maven Central into the cache once. Resolves true when it had to fetch. */
export const ensureKafkaLibs = async (cacheDir: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> => {
  if (kafkaLibsReady(cacheDir)) return false;
  const mvn = findMaven(env);
  return withDirLock(cacheDir, async () => {
    if (kafkaLibsReady(cacheDir)) return false;
    const libs = kafkaLibsDir(cacheDir);
    rmSync(libs, { recursive: true, force: true });
    mkdirSync(libs, { recursive: true });
    const log = join(cacheDir, 'mvn.log');
    const code = await runToCompletion(
      mvn,
      ['-q', '-B', '-Dstyle.color=never', '-f', pomFile, 'dependency:copy-dependencies', `-DoutputDirectory=${libs}`],
      { cwd: cacheDir, outputFile: log, env },
    );
    if (code !== 0 || !existsSync(join(libs, 'kafka_2.13-3.9.1.jar'))) {
      const reason = lastErrorLine(tailOf(log, 40)) ?? `mvn exited with ${code}`;
      throw new SetupError(
        `Maven could not fetch the Kafka jars (${reason}): check network access to Maven Central; full log ${log}`,
      );
    }
    writeFileSync(markerFile(cacheDir), `${pomHash()}\n`);
    return true;
  });
};

const lastErrorLine = (output: string): string | undefined =>
  output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('[ERROR]') && line.length > '[ERROR]'.length)
    .at(0)
    ?.slice(0, 300);

import { ensureLocalKeys } from '../auth-config.ts';
import { loadConfig } from '../config.ts';
import { kafkaAnswers } from '../kafka-admin.ts';
import { ensureEventTopics } from '../topics.ts';
import { isOurBroker, preflightKafka, prepareKafka, startKafka, waitForKafka } from './kafka.ts';
import { kafkaEndpointOf } from './kafka-config.ts';
import { ensureKafkaLibs, kafkaLibsReady } from './kafka-libs.ts';
import {
  ensureDatabase,
  migrateDatabase,
  planPostgresStart,
  postgresAnswers,
  postgresTargetOf,
  startPostgres,
} from './postgres.ts';
import { findMaven, SetupError } from './preflight.ts';
import { isOurRedis, preflightRedis, redisAnswers, redisTargetOf, startRedis } from './redis.ts';
import { cacheDirOf, readState, runDirOf, updateState, withDirLock } from './run-state.ts';

export interface PartReport {
  part: string;
  address: string;
  outcome: string;
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/**
 * Brings up Kafka, PostgreSQL and Redis and leaves them ready for the tests: database created and
 * migrated, event topics created. All checks that can fail on the user's setup run before anything
 * is started; what is already running is used, and only what this call starts is recorded for `down`.
 */
export const stackUp = async (env: NodeJS.ProcessEnv = process.env): Promise<PartReport[]> => {
  const runDir = runDirOf(env);
  const cacheDir = cacheDirOf(env);
  const config = loadConfig();
  const endpoint = kafkaEndpointOf(config.kafkaBrokers, env);
  const postgres = postgresTargetOf(config.databaseUrl);
  const redis = redisTargetOf(config.redisUrl);

  return withDirLock(runDir, async () => {
    const state = readState(runDir);
    const ourKafka = state.kafka && isOurBroker(state.kafka.pid, runDir) ? state.kafka : undefined;
    if (!ourKafka && state.kafka) updateState(runDir, ({ kafka: _gone, ...rest }) => rest);
    if (ourKafka && (ourKafka.port !== endpoint.port || ourKafka.controllerPort !== endpoint.controllerPort)) {
      throw new SetupError(
        `this stack's Kafka already runs on port ${ourKafka.port}/${ourKafka.controllerPort}: run stack down before moving it`,
      );
    }
    // A broker that already answers (another checkout's stack, a service) is used, like PostgreSQL and Redis.
    const foreignKafka = !ourKafka && (await kafkaAnswers(endpoint.brokers));
    const java = ourKafka || foreignKafka ? undefined : await preflightKafka(endpoint, env);
    if (java && !kafkaLibsReady(cacheDir)) findMaven(env);
    const postgresCluster = (await postgresAnswers(postgres)) ? undefined : await planPostgresStart(postgres);
    const redisRunning = await redisAnswers(config.redisUrl);
    if (!redisRunning) await preflightRedis(redis);

    const kafkaPart = async (): Promise<PartReport> => {
      const started = Date.now();
      if (ourKafka) {
        await waitForKafka(endpoint, ourKafka.pid, runDir);
        return { part: 'kafka', address: endpoint.brokers[0]!, outcome: `already running (pid ${ourKafka.pid})` };
      }
      if (foreignKafka) return { part: 'kafka', address: endpoint.brokers[0]!, outcome: 'found running' };
      const fetched = await ensureKafkaLibs(cacheDir, env);
      prepareKafka(java!, endpoint, runDir, cacheDir);
      const pid = startKafka(java!, runDir, cacheDir);
      updateState(runDir, (current) => ({
        ...current,
        kafka: { pid, host: endpoint.host, port: endpoint.port, controllerPort: endpoint.controllerPort },
      }));
      await waitForKafka(endpoint, pid, runDir);
      const jars = fetched ? ', jars fetched with Maven' : '';
      return {
        part: 'kafka',
        address: endpoint.brokers[0]!,
        outcome: `started (pid ${pid}), ready in ${seconds(started)}${jars}`,
      };
    };

    const postgresPart = async (): Promise<PartReport> => {
      const notes: string[] = [];
      if (postgresCluster) {
        await startPostgres(postgresCluster, postgres, runDir);
        updateState(runDir, (current) => ({
          ...current,
          postgres: { version: postgresCluster.version, cluster: postgresCluster.cluster },
        }));
        notes.push(`started (pg_ctlcluster ${postgresCluster.version} ${postgresCluster.cluster})`);
      } else {
        notes.push(readState(runDir).postgres ? 'already running (started by stack up)' : 'found running');
      }
      if (await ensureDatabase(postgres)) notes.push(`database ${postgres.database} created`);
      const applied = await migrateDatabase(config.databaseUrl);
      notes.push(applied.length === 0 ? 'migrations up to date' : `${applied.length} migrations applied`);
      return { part: 'postgres', address: postgres.address, outcome: notes.join(', ') };
    };

    const redisPart = async (): Promise<PartReport> => {
      const recorded = readState(runDir).redis;
      if (redisRunning) {
        const ours = recorded && isOurRedis(recorded.pid, recorded.port);
        if (recorded && !ours) updateState(runDir, ({ redis: _gone, ...rest }) => rest);
        const outcome = ours ? `already running (pid ${recorded.pid})` : 'found running';
        return { part: 'redis', address: redis.address, outcome };
      }
      const pid = await startRedis(redis, config.redisUrl, runDir);
      updateState(runDir, (current) => ({ ...current, redis: { pid, port: redis.port } }));
      return { part: 'redis', address: redis.address, outcome: `started (pid ${pid})` };
    };

    const reports = await settleAll({ kafka: kafkaPart(), postgres: postgresPart(), redis: redisPart() });
    const topics = await ensureEventTopics(endpoint.brokers, config.topicPrefix);
    reports.push({
      part: 'topics',
      address: endpoint.brokers[0]!,
      outcome: `${topics.created.length + topics.existing.length} event topics (${topics.created.length} created)`,
    });
    const keys = ensureLocalKeys(runDir);
    reports.push({
      part: 'keys',
      address: runDir,
      outcome:
        keys.length === 0
          ? 'local development keys present (auth-secret, data-key)'
          : `${keys.length} local development keys created (mode 600)`,
    });
    return reports;
  });
};

/** Waits for every part (so each records what it started) and then fails with all their errors. */
const settleAll = async <T>(work: Record<string, Promise<T>>): Promise<T[]> => {
  const parts = Object.keys(work);
  const results = await Promise.allSettled(Object.values(work));
  const failures = results.flatMap((result, index) =>
    result.status === 'rejected' ? [{ part: parts[index], error: result.reason as Error }] : [],
  );
  if (failures.length === 1 && failures[0]?.error instanceof SetupError) throw failures[0].error;
  if (failures.length > 0) throw new Error(failures.map(({ part, error }) => `${part}: ${error.message}`).join('\n'));
  return results.map((result) => (result as PromiseFulfilledResult<T>).value);
};

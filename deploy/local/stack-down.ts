import { loadConfig } from '../config.ts';
import { isOurBroker, stopKafka } from './kafka.ts';
import { kafkaEndpointOf } from './kafka-config.ts';
import { postgresTargetOf, stopPostgres } from './postgres.ts';
import { isOurRedis, redisTargetOf, stopRedis } from './redis.ts';
import { readState, runDirOf, updateState, withDirLock } from './run-state.ts';
import type { PartReport } from './stack-up.ts';

const stopped = (outcome: 'stopped' | 'killed' | 'not-running', pid: number) =>
  outcome === 'killed' ? `killed after the grace period (pid ${pid})` : `stopped (pid ${pid})`;

/** Stops what `up` started in this run dir (and only that), and waits until those processes are gone. */
export const stackDown = async (env: NodeJS.ProcessEnv = process.env): Promise<PartReport[]> => {
  const runDir = runDirOf(env);
  const config = loadConfig();
  return withDirLock(runDir, async () => {
    const state = readState(runDir);
    const kafkaAddress = state.kafka
      ? `${state.kafka.host}:${state.kafka.port}`
      : kafkaEndpointOf(config.kafkaBrokers, env).brokers[0]!;
    const redisAddress = state.redis ? `127.0.0.1:${state.redis.port}` : redisTargetOf(config.redisUrl).address;

    const kafkaPart = async (): Promise<PartReport> => {
      const recorded = state.kafka;
      if (!recorded)
        return { part: 'kafka', address: kafkaAddress, outcome: 'not started by stack up: nothing to stop' };
      const outcome = isOurBroker(recorded.pid, runDir)
        ? stopped(await stopKafka(recorded.pid), recorded.pid)
        : 'was not running';
      updateState(runDir, ({ kafka: _gone, ...rest }) => rest);
      return { part: 'kafka', address: kafkaAddress, outcome };
    };

    const redisPart = async (): Promise<PartReport> => {
      const recorded = state.redis;
      if (!recorded) return { part: 'redis', address: redisAddress, outcome: 'not started by stack up: left running' };
      const outcome = isOurRedis(recorded.pid, recorded.port)
        ? stopped(await stopRedis(recorded.pid), recorded.pid)
        : 'was not running';
      updateState(runDir, ({ redis: _gone, ...rest }) => rest);
      return { part: 'redis', address: redisAddress, outcome };
    };

    const postgresPart = async (): Promise<PartReport> => {
      const address = postgresTargetOf(config.databaseUrl).address;
      const recorded = state.postgres;
      if (!recorded) return { part: 'postgres', address, outcome: 'not started by stack up: left running' };
      await stopPostgres(recorded, runDir);
      updateState(runDir, ({ postgres: _gone, ...rest }) => rest);
      return { part: 'postgres', address, outcome: `stopped (pg_ctlcluster ${recorded.version} ${recorded.cluster})` };
    };

    return Promise.all([kafkaPart(), postgresPart(), redisPart()]);
  });
};

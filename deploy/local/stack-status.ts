import { loadConfig } from '../config.ts';
import { kafkaAnswers } from '../kafka-admin.ts';
import { isOurBroker } from './kafka.ts';
import { kafkaEndpointOf } from './kafka-config.ts';
import { databaseExists, postgresAnswers, postgresTargetOf } from './postgres.ts';
import { isOurRedis, redisAnswers, redisTargetOf } from './redis.ts';
import { readState, runDirOf } from './run-state.ts';

export interface PartStatus {
  part: 'kafka' | 'postgres' | 'redis';
  address: string;
  up: boolean;
  detail: string;
}

const managedBy = (pid: number | undefined) =>
  pid === undefined ? 'not started by stack up' : `pid ${pid}, started by stack up`;

/** Whether each part answers at its address, and whether this run dir's `up` started it. */
export const stackStatus = async (env: NodeJS.ProcessEnv = process.env): Promise<PartStatus[]> => {
  const runDir = runDirOf(env);
  const config = loadConfig();
  const state = readState(runDir);
  const endpoint = kafkaEndpointOf(config.kafkaBrokers, env);
  const postgres = postgresTargetOf(config.databaseUrl);
  const redis = redisTargetOf(config.redisUrl);

  const kafkaPid = state.kafka && isOurBroker(state.kafka.pid, runDir) ? state.kafka.pid : undefined;
  const redisPid = state.redis && isOurRedis(state.redis.pid, state.redis.port) ? state.redis.pid : undefined;
  const [kafkaUp, postgresUp, redisUp] = await Promise.all([
    kafkaAnswers(endpoint.brokers),
    postgresAnswers(postgres),
    redisAnswers(config.redisUrl),
  ]);
  const databaseMissing = postgresUp && !(await databaseExists(postgres));
  const postgresManaged = state.postgres
    ? `started by stack up (${state.postgres.version} ${state.postgres.cluster})`
    : 'not started by stack up';

  return [
    { part: 'kafka', address: endpoint.brokers[0]!, up: kafkaUp, detail: managedBy(kafkaPid) },
    {
      part: 'postgres',
      address: postgres.address,
      up: postgresUp && !databaseMissing,
      detail: databaseMissing ? `server up but database ${postgres.database} missing: run stack up` : postgresManaged,
    },
    { part: 'redis', address: redis.address, up: redisUp, detail: managedBy(redisPid) },
  ];
};

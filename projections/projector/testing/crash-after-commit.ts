/**
 * Child process of the projector test: runs a counting projector and kills itself with SIGKILL right
 * after its first PostgreSQL commit that applied something, before the offsets reach Kafka.
 * Env: DATABASE_URL, TEST_SCHEMA, TEST_TOPIC_PREFIX, TEST_GROUP_ID, TEST_PROJECTION, TEST_TOPIC.
 */
import pg from 'pg';
import { loadConfig } from '../../../deploy/config.ts';
import { TransactionalProjector } from '../transactional-projector.ts';
import { countingProjection } from './counting-projection.ts';

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const config = loadConfig();
const pool = new pg.Pool({
  connectionString: config.databaseUrl,
  options: `-c search_path=${required('TEST_SCHEMA')}`,
});
const projector = new TransactionalProjector({
  pool,
  brokers: config.kafkaBrokers,
  projection: countingProjection(required('TEST_PROJECTION'), [required('TEST_TOPIC')]),
  topicPrefix: required('TEST_TOPIC_PREFIX'),
  groupId: required('TEST_GROUP_ID'),
  // The restarted member then waits seconds, not half a minute, for this dead one to leave the group.
  sessionTimeoutMs: 6_000,
  log: () => undefined,
  hooks: {
    afterCommit: (batch) => {
      if (batch.applied === 0) return;
      process.stdout.write(
        `${JSON.stringify({ committed: batch.applied, nextOffset: batch.nextOffset.toString() })}\n`,
      );
      process.kill(process.pid, 'SIGKILL');
    },
  },
});
await projector.start();

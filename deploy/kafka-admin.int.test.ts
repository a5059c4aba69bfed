import { logLevel } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from './config.ts';
import { reusedKafkaAdmin } from './kafka-admin.ts';

const test = suite('reused Kafka admin client');

const quick = { logLevel: logLevel.NOTHING, connectionTimeout: 1_000, requestTimeout: 1_500, retry: { retries: 0 } };

test('one client serves call after call, and a failed call leaves the next one working', async () => {
  const admin = reusedKafkaAdmin({ ...quick, clientId: 'reused-admin-test', brokers: loadConfig().kafkaBrokers });
  try {
    const first = await admin.use((client) => client.describeCluster());
    assert.ok(first.brokers.length > 0);
    let seen: unknown;
    await admin
      .use(() => Promise.reject(new Error('work failed')))
      .catch((error: unknown) => {
        seen = error;
      });
    assert.is((seen as Error | undefined)?.message, 'work failed', 'the failure reaches the caller');
    const after = await admin.use((client) => client.describeCluster());
    assert.equal(after.brokers, first.brokers);
  } finally {
    await admin.close();
  }
});

test('with no broker at the address a call fails and closing still succeeds', async () => {
  const admin = reusedKafkaAdmin({ ...quick, clientId: 'reused-admin-test', brokers: ['127.0.0.1:1'] });
  const outcome = await admin
    .use((client) => client.describeCluster())
    .then(
      () => 'answered',
      () => 'failed',
    );
  assert.is(outcome, 'failed');
  await admin.close();
});

test.run();

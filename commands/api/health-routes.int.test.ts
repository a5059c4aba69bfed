import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../deploy/config.ts';
import { kafkaProbe } from '../kafka-probe.ts';
import { startCommandApi, storeWith } from './command-api-harness.ts';

const health = suite('GET /health');

health('200 when the store and the real Kafka broker both answer', async () => {
  const kafka = kafkaProbe(loadConfig().kafkaBrokers);
  const api = await startCommandApi({ isKafkaUp: kafka.isKafkaUp });
  try {
    const answer = await api.get('/health');
    assert.is(answer.status, 200);
    assert.equal(answer.body, { status: 'ok', store: 'up', kafka: 'up' });
  } finally {
    await api.close();
    await kafka.close();
  }
});

health('503 naming Kafka when no broker listens at the address', async () => {
  const kafka = kafkaProbe(['127.0.0.1:1']);
  const api = await startCommandApi({ isKafkaUp: kafka.isKafkaUp });
  try {
    const answer = await api.get('/health');
    assert.is(answer.status, 503);
    assert.equal(answer.body, { status: 'down', store: 'up', kafka: 'down' });
  } finally {
    await api.close();
    await kafka.close();
  }
});

health('503 naming the store when it does not answer in time, and Kafka when its probe throws', async () => {
  const api = await startCommandApi({
    healthTimeoutMs: 200,
    isKafkaUp: async () => {
      throw new Error('broker gone');
    },
    wrapStore: (store) => storeWith(store, { ping: () => new Promise<boolean>(() => undefined) }),
  });
  try {
    const answer = await api.get('/health');
    assert.is(answer.status, 503);
    assert.equal(answer.body, { status: 'down', store: 'down', kafka: 'down' });
  } finally {
    await api.close();
  }
});

health('503 when the store is down and Kafka up', async () => {
  const api = await startCommandApi({ wrapStore: (store) => storeWith(store, { ping: async () => false }) });
  try {
    const answer = await api.get('/health');
    assert.is(answer.status, 503);
    assert.equal(answer.body, { status: 'down', store: 'down', kafka: 'up' });
  } finally {
    await api.close();
  }
});

health.run();

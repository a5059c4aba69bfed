import { spawn } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { migrate } from '../deploy/migrate.ts';
import { uniqueName } from './support/names.ts';
import { createTestSchema } from './support/postgres.ts';
import { deleteTopicsWithPrefix } from './support/topics.ts';
import { waitFor } from './support/wait.ts';

const root = new URL('..', import.meta.url).pathname;

test('a service writes nothing but JSON lines of the one shape, on stdout and stderr alike', async () => {
  const db = await createTestSchema('logs');
  const prefix = `${uniqueName('logs')}.`;
  await migrate(db.pool);
  let output = '';
  // The relay logs through the process logger, the metrics server, kafkajs and the pools: several writers.
  const child = spawn(process.execPath, ['--import', 'tsx', 'commands/relay/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PGOPTIONS: `-c search_path=${db.schema}`,
      KAFKA_TOPIC_PREFIX: prefix,
      RELAY_NAME: uniqueName('relay'),
      METRICS_PORT_RELAY: '0',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await waitFor(() => output.includes('"relay started"'), { timeoutMs: 60_000, what: 'the relay to start' });
    child.kill('SIGTERM');
    await exited;
    const lines = output.split('\n').filter((line) => line !== '');
    assert.ok(lines.length >= 2, output);
    for (const line of lines) {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line);
      } catch {
        assert.unreachable(`not a JSON line: ${line}`);
        return;
      }
      assert.is(record.service, 'relay', line);
      assert.ok(['trace', 'debug', 'info', 'warn', 'error', 'fatal'].includes(String(record.level)), line);
      assert.type(record.msg, 'string', line);
      assert.ok(!Number.isNaN(Date.parse(String(record.time))), line);
    }
    assert.ok(
      lines.some((line) => line.includes('metrics server listening')),
      output,
    );
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.allSettled([db.drop(), deleteTopicsWithPrefix(prefix)]);
  }
});

test.run();

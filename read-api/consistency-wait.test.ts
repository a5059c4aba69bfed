import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ChangeFeed } from './change-feed.ts';
import { waitUntilProjected } from './consistency-wait.ts';

/** A change feed the test drives by hand, and a read model whose version the test sets. */
const fakes = () => {
  const listeners = new Set<(message: string) => void>();
  let version: number | undefined;
  let reads = 0;
  const changes: ChangeFeed = {
    onChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => undefined,
  };
  return {
    changes,
    projectedVersion: async () => {
      reads += 1;
      return version;
    },
    project: (reached: number) => {
      version = reached;
      for (const listener of [...listeners]) listener('{}');
    },
    reads: () => reads,
    listeners: () => listeners.size,
  };
};

const point = { streamId: 'order-o1', version: 2 };

test('true at once when the read model already reflects the version', async () => {
  const model = fakes();
  model.project(3);
  assert.is(await waitUntilProjected(point, { ...model, waitMs: 1_000 }), true);
  assert.is(model.reads(), 1);
});

test('a change message wakes the wait long before the next poll', async () => {
  const model = fakes();
  const started = Date.now();
  const waiting = waitUntilProjected(point, { ...model, waitMs: 5_000, pollMs: 5_000 });
  setTimeout(() => model.project(1), 20);
  setTimeout(() => model.project(2), 60);
  assert.is(await waiting, true);
  assert.ok(Date.now() - started < 1_000);
  assert.is(model.listeners(), 0, 'stopped listening');
});

test('without change messages the poll still finds the version', async () => {
  const model = fakes();
  const waiting = waitUntilProjected(point, { ...model, changes: fakes().changes, waitMs: 2_000, pollMs: 20 });
  setTimeout(() => model.project(2), 50);
  assert.is(await waiting, true);
});

test('false once the wait ran out', async () => {
  const model = fakes();
  model.project(1);
  const started = Date.now();
  assert.is(await waitUntilProjected(point, { ...model, waitMs: 120, pollMs: 30 }), false);
  assert.ok(Date.now() - started >= 115);
  assert.is(model.listeners(), 0);
});

test('false as soon as the client has gone', async () => {
  const model = fakes();
  const gone = new AbortController();
  const started = Date.now();
  const waiting = waitUntilProjected(point, { ...model, waitMs: 5_000, pollMs: 5_000 }, gone.signal);
  setTimeout(() => gone.abort(), 30);
  assert.is(await waiting, false);
  assert.ok(Date.now() - started < 1_000);
});

test.run();

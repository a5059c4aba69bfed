import * as assert from 'uvu/assert';
import type { RecordedEvent } from '../../commands/event-store/event-store.ts';
import { readModelSuite } from '../projector/testing/read-model-suite.ts';
import { envelopeOf, recordedEvent } from '../projector/testing/recorded-events.ts';
import { foldEventOf } from '../rebuild/independent-fold.ts';
import { canonicalJson } from '../rebuild/model-checksum.ts';
import { sagasShape } from '../rebuild/sagas-fold.ts';
import { getSaga, listSagas, sagaVersion } from './saga-queries.ts';
import { sagasProjection } from './sagas-projection.ts';

const { test, apply } = readModelSuite('sagas read model', 'sagas', sagasProjection());

/** Builds the events of one saga with consecutive versions. */
const sagaOf = (orderId: string) => {
  let version = 0;
  const event = (type: string, data: Record<string, unknown>) =>
    recordedEvent(`saga-${orderId}`, version++, type, { orderId, ...data });
  const attempt = (step: string, number: number) => ({ step, stepId: `${step}#${number}`, attempt: number });
  return {
    started: (at: string) =>
      event('SagaStarted', {
        customerId: 'c1',
        lines: [{ sku: 'sku-a', quantity: 1 }],
        payment: [{ method: 'card', amount: 100, token: 'tok_ok' }],
        total: 100,
        at,
      }),
    scheduled: (step: string, number: number, scheduledAt: string) =>
      event('SagaStepScheduled', {
        ...attempt(step, number),
        command: {
          type: 'ReserveStock',
          streamId: 'inventory-sku-a',
          commandId: `saga-${orderId}:${step}`,
          dataJson: '{}',
        },
        scheduledAt,
      }),
    succeeded: (step: string, number: number, at: string) =>
      event('SagaStepSucceeded', { ...attempt(step, number), at }),
    failed: (step: string, number: number, at: string, retryAt?: string) =>
      event('SagaStepFailed', {
        ...attempt(step, number),
        error: 'gateway timeout',
        transient: true,
        ...(retryAt ? { retryAt } : {}),
        at,
      }),
    deadlineSet: (deadlineId: string, dueAt: string, at: string) =>
      event('SagaDeadlineSet', { deadlineId, name: 'payment', dueAt, at }),
    deadlineCleared: (deadlineId: string, at: string) =>
      event('SagaDeadlineCleared', { deadlineId, reason: 'obsolete', at }),
    lineReserved: (at: string) => event('SagaLineReserved', { sku: 'sku-a', at }),
    compensationStarted: (at: string) => event('SagaCompensationStarted', { reason: 'payment_declined', at }),
    stuck: (at: string) =>
      event('SagaStuck', { stepId: 'release:sku-a#1', step: 'release:sku-a', lastError: 'still down', at }),
    resumed: (at: string) => event('SagaResumed', { at }),
    completed: (at: string) => event('SagaCompleted', { at }),
    compensated: (at: string) => event('SagaCompensated', { at }),
  };
};

const t = (second: number) => new Date(Date.UTC(2024, 4, 1, 10, 0, second)).toISOString();

test('a saga row has the shape GET /sagas/:orderId returns', async ({ db }) => {
  const saga = sagaOf('o1');
  await apply(db, [
    saga.started(t(0)),
    saga.scheduled('reserve:sku-a', 1, t(1)),
    saga.lineReserved(t(2)),
    saga.succeeded('reserve:sku-a', 1, t(2)),
    saga.scheduled('authorize-payment', 1, t(3)),
    saga.deadlineSet('saga-o1:payment', t(33), t(3)),
    saga.deadlineSet('saga-o1:retry:authorize-payment#1', t(8), t(4)),
    saga.failed('authorize-payment', 1, t(4), t(8)),
  ]);
  assert.equal(await getSaga(db.pool, 'o1'), {
    sagaId: 'saga-o1',
    orderId: 'o1',
    state: 'running',
    step: 'authorize-payment',
    steps: [
      { name: 'reserve:sku-a', status: 'succeeded', at: t(2) },
      { name: 'authorize-payment', status: 'awaiting_retry', at: t(4), detail: `gateway timeout (retry at ${t(8)})` },
    ],
    deadlines: [
      { deadlineId: 'saga-o1:retry:authorize-payment#1', name: 'payment', dueAt: t(8) },
      { deadlineId: 'saga-o1:payment', name: 'payment', dueAt: t(33) },
    ],
    lastError: 'gateway timeout',
    startedAt: t(0),
  });
  assert.is(await sagaVersion(db.pool, 'o1'), 7);
  assert.is(await getSaga(db.pool, 'nope'), undefined);
});

test('a retry keeps its place; a stale outcome of an earlier attempt is ignored; the end is recorded', async ({
  db,
}) => {
  const saga = sagaOf('o1');
  await apply(db, [
    saga.started(t(0)),
    saga.scheduled('authorize-payment', 1, t(1)),
    saga.scheduled('reserve:sku-a', 1, t(1)),
    saga.failed('authorize-payment', 1, t(2), t(3)),
    saga.deadlineSet('d1', t(3), t(2)),
    saga.deadlineCleared('d1', t(3)),
    saga.scheduled('authorize-payment', 2, t(3)),
    saga.succeeded('authorize-payment', 1, t(4)),
    saga.succeeded('authorize-payment', 2, t(5)),
    saga.succeeded('reserve:sku-a', 1, t(5)),
    saga.completed(t(6)),
  ]);
  const view = await getSaga(db.pool, 'o1');
  assert.equal(view?.steps, [
    { name: 'authorize-payment', status: 'succeeded', at: t(5) },
    { name: 'reserve:sku-a', status: 'succeeded', at: t(5) },
  ]);
  assert.equal(view?.deadlines, []);
  assert.is(view?.state, 'completed');
  assert.is(view?.endedAt, t(6));
});

test("a step an operator's request scheduled names them, through its outcome, and the rebuild fold agrees", async ({
  db,
}) => {
  const saga = sagaOf('o4');
  const byOperator = (event: RecordedEvent): RecordedEvent => ({
    ...event,
    metadata: { actorSubject: 'olga', actorRole: 'operator' },
  });
  const events = [
    saga.started(t(0)),
    saga.scheduled('reserve:sku-a', 1, t(1)),
    saga.failed('reserve:sku-a', 1, t(2)),
    saga.stuck(t(2)),
    byOperator(saga.resumed(t(3))),
    byOperator(saga.scheduled('reserve:sku-a', 2, t(3))),
    saga.succeeded('reserve:sku-a', 2, t(4)),
  ];
  await apply(db, events);
  const steps = (await getSaga(db.pool, 'o4'))?.steps;
  assert.equal(steps, [
    { name: 'reserve:sku-a', status: 'succeeded', at: t(4), by: { subject: 'olga', role: 'operator' } },
  ]);
  const fold = sagasShape.newFold();
  for (const event of events) fold.apply(foldEventOf(envelopeOf(event)));
  const { rows } = await db.pool.query("SELECT * FROM read_sagas WHERE order_id = 'o4'");
  assert.is(canonicalJson(sagasShape.fromTable(rows[0])), fold.model().get('o4'), 'table and fold agree');
});

test('stuck then resumed returns to the phase it was in; older and equal versions are ignored', async ({ db }) => {
  const saga = sagaOf('o1');
  const history = [saga.started(t(0)), saga.compensationStarted(t(1)), saga.stuck(t(2)), saga.resumed(t(3))];
  await apply(db, history.slice(0, 3));
  assert.is((await getSaga(db.pool, 'o1'))?.state, 'stuck');
  assert.is((await getSaga(db.pool, 'o1'))?.lastError, 'still down');
  await apply(db, history.slice(3));
  const resumed = await getSaga(db.pool, 'o1');
  assert.is(resumed?.state, 'compensating');
  await apply(db, [...history].reverse());
  await apply(db, history);
  assert.equal(await getSaga(db.pool, 'o1'), resumed);
  await apply(db, [saga.compensated(t(4))]);
  assert.is((await getSaga(db.pool, 'o1'))?.state, 'compensated');
});

test('listSagas pages newest first, filtered by state', async ({ db }) => {
  const events: RecordedEvent[] = [];
  for (let index = 0; index < 5; index++) {
    const saga = sagaOf(`o${index}`);
    events.push(saga.started(t(index)));
    if (index % 2 === 0) events.push(saga.completed(t(index + 10)));
  }
  await apply(db, events);
  const first = await listSagas(db.pool, { limit: 2 });
  assert.equal(
    first.items.map((s) => s.orderId),
    ['o4', 'o3'],
  );
  const second = await listSagas(db.pool, { limit: 2, cursor: first.nextCursor! });
  assert.equal(
    second.items.map((s) => s.orderId),
    ['o2', 'o1'],
  );
  const completed = await listSagas(db.pool, { state: 'completed', limit: 10 });
  assert.equal(
    completed.items.map((s) => s.orderId),
    ['o4', 'o2', 'o0'],
  );
  assert.is(completed.nextCursor, undefined);
});

test.run();

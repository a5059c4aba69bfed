import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PostgresEventStore } from '../commands/event-store/postgres/postgres-event-store.ts';
import { migrate } from '../deploy/migrate.ts';
import { exampleOrder } from '../domain/order-saga/examples.ts';
import type { SagaInput } from '../domain/order-saga/inputs.ts';
import { envelopeOf } from '../projections/projector/testing/recorded-events.ts';
import { recordDeadlineSet } from '../projections/saga/deadline-store.ts';
import { feedSaga } from '../projections/saga/operations.ts';
import { sagasProjection } from '../projections/sagas/sagas-projection.ts';
import { createTestSchema, type TestSchema } from '../test/support/postgres.ts';
import { cliEnvironment, runCli } from './testing/run-cli.ts';

const test = suite<{ db: TestSchema; store: PostgresEventStore }>('orders-ops sagas');

test.before.each(async (context) => {
  context.db = await createTestSchema('ops_sagas');
  await migrate(context.db.pool);
  context.store = new PostgresEventStore(context.db.pool);
});

test.after.each(async (context) => {
  await context.db.drop();
});

const feed = (store: PostgresEventStore, orderId: string, input: Omit<SagaInput, 'metadata'>, commandId: string) =>
  feedSaga({ store }, orderId, {
    ...input,
    metadata: { commandId, now: new Date().toISOString(), correlationId: orderId },
  } as SagaInput);

const placed = (store: PostgresEventStore, orderId: string) =>
  feed(store, orderId, { type: 'OrderPlaced', data: { ...exampleOrder, orderId } }, `in:${orderId}`);

/** The saga's stream through the read model's projector, as the sagas projector would. */
const project = async (db: TestSchema, store: PostgresEventStore, orderId: string) => {
  const client = await db.pool.connect();
  try {
    for (const event of await store.readStream(`saga-${orderId}`))
      await sagasProjection().handle(client, envelopeOf(event));
  } finally {
    client.release();
  }
};

test('list, show, retry and compensate sagas; unknown ones are exit 3', async ({ db, store }) => {
  await placed(store, 'st1');
  await feed(
    store,
    'st1',
    {
      type: 'StepFailed',
      data: { stepId: 'reserve:sku-a#1', error: 'unknown step', rule: 'invalid_step', transient: false },
    },
    'outcome:st1',
  );
  await placed(store, 'run1');
  await placed(store, 'store1');
  await project(db, store, 'st1');
  await project(db, store, 'run1');
  await recordDeadlineSet(db.pool, {
    orderId: 'st1',
    deadlineId: 'saga-st1:payment',
    name: 'payment',
    dueAt: '2030-01-01T00:00:00.000Z',
    at: '2025-01-01T00:00:00.000Z',
  });
  const env = cliEnvironment(db.schema, 'ops_sagas_unused.');

  const [all, stuck, table, shown, shownHuman, fromStore, missing] = await Promise.all([
    runCli(['sagas', 'list', '--json'], env),
    runCli(['sagas', 'list', '--state', 'stuck', '--json'], env),
    runCli(['sagas', 'list'], env),
    runCli(['sagas', 'show', 'saga-st1', '--json'], env),
    runCli(['sagas', 'show', 'st1'], env),
    runCli(['sagas', 'show', 'store1', '--json'], env),
    runCli(['sagas', 'show', 'nope'], env),
  ]);
  assert.is(all.code, 0, all.stderr);
  assert.equal(
    all
      .json()
      .sagas.map((saga: { orderId: string }) => saga.orderId)
      .sort(),
    ['run1', 'st1'],
  );
  assert.equal(
    stuck.json().sagas.map((saga: { orderId: string; state: string }) => [saga.orderId, saga.state]),
    [['st1', 'stuck']],
  );
  assert.match(table.stdout, /^ORDER ID\s+STATE\s+STEP\s+STARTED\s+ENDED\s+LAST ERROR$/m);
  assert.match(table.stdout, /^st1\s+stuck\s+reserve:sku-\w\s+\S+\s+-\s+unknown step$/m);

  assert.is(shown.code, 0, shown.stderr);
  const detail = shown.json();
  assert.is(detail.source, 'read-model');
  assert.is(detail.saga.state, 'stuck');
  assert.is(detail.saga.lastError, 'unknown step');
  assert.ok(detail.saga.steps.some((step: { name: string }) => step.name === 'reserve:sku-a'));
  assert.equal(
    detail.deadlines.map((d: { deadlineId: string }) => d.deadlineId),
    ['saga-st1:payment'],
  );
  assert.match(shownHuman.stdout, /^saga saga-st1 \(order st1\): stuck {3}\[from the read model\]$/m);
  assert.match(shownHuman.stdout, /^ {2}last error {2}unknown step$/m);
  assert.match(shownHuman.stdout, /^saga-st1:payment\s+payment\s+2030-01-01T00:00:00.000Z\s+-\s+waiting$/m);

  assert.is(fromStore.code, 0, fromStore.stderr);
  assert.is(fromStore.json().source, 'event-store');
  assert.is(fromStore.json().saga.state, 'running');

  assert.is(missing.code, 3);
  assert.is(missing.stderr, 'orders-ops: no saga for order nope\n');

  const [retried, notStuck, retryMissing, compensated, compensateMissing] = await Promise.all([
    runCli(['sagas', 'retry', 'st1', '--json'], env),
    runCli(['sagas', 'retry', 'run1'], env),
    runCli(['sagas', 'retry', 'nope'], env),
    runCli(['sagas', 'compensate', 'run1', '--yes', '--reason', 'customer phoned', '--json'], env),
    runCli(['sagas', 'compensate', 'nope', '--yes'], env),
  ]);
  assert.is(retried.code, 0, retried.stderr);
  assert.is(retried.json().events[0].type, 'SagaResumed');
  assert.ok((await store.readStream('saga-st1')).some((event) => event.type === 'SagaResumed'));

  assert.is(notStuck.code, 1);
  assert.match(
    notStuck.stderr,
    /^orders-ops: the saga of order run1 is (running|compensating), not stuck \(saga_not_stuck\)\n$/,
  );
  assert.is(retryMissing.code, 3, retryMissing.stderr);
  assert.is(retryMissing.stderr.split('\n').length, 2);

  assert.is(compensated.code, 0, compensated.stderr);
  assert.ok(compensated.json().events.some((event: { type: string }) => event.type === 'SagaCompensationStarted'));
  const started = (await store.readStream('saga-run1')).find((event) => event.type === 'SagaCompensationStarted');
  assert.ok(started, 'no SagaCompensationStarted');
  assert.is((started.data as { reason: string; detail?: string }).detail, 'customer phoned');
  assert.is(compensateMissing.code, 3, compensateMissing.stderr);
});

test.run();

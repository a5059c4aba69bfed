import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PostgresEventStore } from '../../commands/event-store/postgres/postgres-event-store.ts';
import { migrate } from '../../deploy/migrate.ts';
import { createSagaDecider } from '../../domain/order-saga/decider.ts';
import type { SagaDeadlineSet } from '../../domain/order-saga/events.ts';
import { paymentDeadlineId } from '../../domain/order-saga/ids.ts';
import { uniqueName } from '../../test/support/names.ts';
import { createTestSchema, type TestSchema } from '../../test/support/postgres.ts';
import { DeadlinePoller, deadlineCommandId } from './deadline-poller.ts';
import { recordDeadlineCleared, recordDeadlineSet, sagaDeadlinesOf } from './deadline-store.ts';
import { feedSaga } from './operations.ts';

const context = { db: undefined as unknown as TestSchema, store: undefined as unknown as PostgresEventStore };
const test = suite('deadline poller', context);
test.before(async (ctx) => {
  ctx.db = await createTestSchema('saga_deadlines');
  await migrate(ctx.db.pool);
  ctx.store = new PostgresEventStore(ctx.db.pool);
});
test.after(async (ctx) => {
  await ctx.db.drop();
});

const decider = createSagaDecider({ paymentTimeoutMs: 1_000 });
const t0 = new Date('2025-06-01T12:00:00.000Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

/** A saga waiting for its payment (deadline at t0 + 1 s), with the deadline copied into the table. */
const sagaAwaitingPayment = async (store: PostgresEventStore, db: TestSchema): Promise<string> => {
  const orderId = uniqueName('order');
  const metadata = (commandId: string) => ({ commandId: `${commandId}-${orderId}`, now: t0.toISOString() });
  await feedSaga({ store, decider }, orderId, {
    type: 'OrderPlaced',
    data: {
      orderId,
      customerId: 'c1',
      lines: [{ sku: 'sku-a', quantity: 1, unitPrice: 700 }],
      total: 700,
      currency: 'EUR',
      payment: [{ method: 'card', amount: 700, token: 'tok_ok' }],
      placedAt: t0.toISOString(),
    },
    metadata: metadata('placed'),
  });
  const { events } = await feedSaga({ store, decider }, orderId, {
    type: 'StockReserved',
    data: { sku: 'sku-a', orderId, quantity: 1, onHand: 5, available: 4 },
    metadata: metadata('reserved'),
  });
  const set = events.find((event) => event.type === 'SagaDeadlineSet');
  assert.ok(set, 'the saga set its payment deadline');
  await recordDeadlineSet(db.pool, set.data as SagaDeadlineSet['data']);
  return orderId;
};

const poller = (ctx: typeof context, now: Date) =>
  new DeadlinePoller({ store: ctx.store, decider, pool: ctx.db.pool, pollMs: 10, clock: () => now, log: () => {} });

test('a deadline not yet due is left alone; once due, two pollers side by side fire it once', async (ctx) => {
  const orderId = await sagaAwaitingPayment(ctx.store, ctx.db);
  assert.is(await poller(ctx, later(999)).fireDue(), 0, 'not due yet');

  const taken = await Promise.all([poller(ctx, later(1_000)).fireDue(), poller(ctx, later(1_000)).fireDue()]);
  assert.is(taken[0]! + taken[1]!, 1, 'one poller took it');
  const events = await ctx.store.readStream(`saga-${orderId}`);
  const fired = events.filter((event) => event.metadata.commandId === deadlineCommandId(paymentDeadlineId(orderId)));
  assert.ok(fired.length > 0, 'DeadlineReached was decided');
  assert.is(events.filter((event) => event.type === 'SagaCompensationStarted').length, 1);
  assert.is(
    (events.find((event) => event.type === 'SagaCompensationStarted')?.data as { reason?: string } | undefined)?.reason,
    'payment_timeout',
  );
  const [row] = await sagaDeadlinesOf(ctx.db.pool, orderId);
  assert.equal(row?.firedAt, later(1_000));
  assert.is(await poller(ctx, later(5_000)).fireDue(), 0, 'a fired deadline is not taken again');
});

test('a crash after the append and before the mark: the next scan feeds the same command, nothing new', async (ctx) => {
  const orderId = await sagaAwaitingPayment(ctx.store, ctx.db);
  const deadlineId = paymentDeadlineId(orderId);
  // What the poller that died had appended before its transaction could mark the row.
  await feedSaga({ store: ctx.store, decider }, orderId, {
    type: 'DeadlineReached',
    data: { deadlineId },
    metadata: { commandId: deadlineCommandId(deadlineId), now: later(1_000).toISOString() },
  });
  const before = (await ctx.store.readStream(`saga-${orderId}`)).length;

  assert.is(await poller(ctx, later(1_200)).fireDue(), 1);
  assert.is((await ctx.store.readStream(`saga-${orderId}`)).length, before, 'the saga appended nothing');
  assert.ok((await sagaDeadlinesOf(ctx.db.pool, orderId))[0]?.firedAt, 'marked fired');
});

test('a cleared deadline is never fired; repeated Set and Cleared change nothing', async (ctx) => {
  const orderId = await sagaAwaitingPayment(ctx.store, ctx.db);
  const deadlineId = paymentDeadlineId(orderId);
  const cleared = { orderId, deadlineId, reason: 'obsolete' as const, at: later(100).toISOString() };
  await recordDeadlineCleared(ctx.db.pool, cleared);
  await recordDeadlineCleared(ctx.db.pool, { ...cleared, at: later(200).toISOString() });
  await recordDeadlineSet(ctx.db.pool, {
    orderId,
    deadlineId,
    name: 'payment',
    dueAt: later(1_000).toISOString(),
    at: t0.toISOString(),
  });

  assert.is(await poller(ctx, later(10_000)).fireDue(), 0);
  const rows = await sagaDeadlinesOf(ctx.db.pool, orderId);
  assert.is(rows.length, 1);
  assert.equal(rows[0]?.clearedAt, later(100), 'the first clearing stands');
  assert.is(rows[0]?.firedAt, undefined);
});

test.run();

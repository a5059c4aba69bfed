import { createSagaDecider } from '../domain/order-saga/decider.ts';
import { orderIdOfSagaStream, sagaStreamId } from '../domain/order-saga/ids.ts';
import type { StartedSaga } from '../domain/order-saga/state.ts';
import type { StoredDeadline } from '../projections/saga/deadline-store.ts';
import { sagaDeadlinesOf } from '../projections/saga/deadline-store.ts';
import { compensateSaga, loadSaga, retrySaga } from '../projections/saga/operations.ts';
import { sagaOptionsOf } from '../projections/saga/runtime.ts';
import { getSaga, listSagas, type SagaView, sagaStates } from '../projections/sagas/saga-queries.ts';
import { exitCodes, failedError, notFoundError, usageError } from './cli-error.ts';
import type { CommandContext, CommandHandler } from './command.ts';
import { hasFlag, optionText } from './command-args.ts';
import { orDash, renderTable } from './text-table.ts';

/** Either the order id or the saga's stream id `saga-<orderId>`. */
const orderIdOf = (context: CommandContext): string => {
  const text = context.args.positionals[0]!;
  return orderIdOfSagaStream(text) ?? text;
};

const pageLimit = (text: string | undefined): number => {
  if (text === undefined) return 50;
  const limit = Number(text);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 200)
    throw usageError(`--limit must be 1-200; got "${text}"`);
  return limit;
};

export const listSagasCommand: CommandHandler = async (context) => {
  const state = optionText(context.args, 'state');
  if (state !== undefined && !sagaStates.some((known) => known === state)) {
    throw usageError(`unknown saga state "${state}"; valid: ${sagaStates.join(', ')}`);
  }
  const cursor = optionText(context.args, 'cursor');
  const limit = pageLimit(optionText(context.args, 'limit'));
  const page = await listSagas(await context.ops.migratedPool(), {
    ...(state === undefined ? {} : { state: state as SagaView['state'] }),
    limit,
    ...(cursor === undefined ? {} : { cursor }),
  });
  if (context.json) {
    context.print(JSON.stringify({ sagas: page.items, nextCursor: page.nextCursor ?? null }));
    return undefined;
  }
  context.print(
    renderTable(
      [
        { header: 'ORDER ID' },
        { header: 'STATE' },
        { header: 'STEP' },
        { header: 'STARTED' },
        { header: 'ENDED' },
        { header: 'LAST ERROR', max: 60 },
      ],
      page.items.map((saga) => [
        saga.orderId,
        saga.state,
        orDash(saga.step),
        saga.startedAt,
        orDash(saga.endedAt),
        orDash(saga.lastError),
      ]),
    ),
  );
  if (page.nextCursor) context.print(`more: --cursor ${page.nextCursor}`);
  return undefined;
};

/** What the saga's own events say, when the read model has no row for it (yet). */
const viewOfFold = (saga: StartedSaga): SagaView => {
  const steps = Object.values(saga.steps);
  const lastError = saga.stuck.at(-1)?.lastError ?? [...steps].reverse().find((step) => step.lastError)?.lastError;
  return {
    sagaId: sagaStreamId(saga.orderId),
    orderId: saga.orderId,
    state: saga.status,
    step: steps.at(-1)?.step ?? null,
    steps: steps.map((step) => ({
      name: step.step,
      status: step.status,
      at: '',
      ...(step.lastError === undefined ? {} : { detail: step.lastError }),
    })),
    deadlines: Object.values(saga.deadlines),
    ...(lastError === undefined ? {} : { lastError }),
    startedAt: '',
  };
};

const deadlineState = (deadline: StoredDeadline): string => {
  if (deadline.firedAt) return `fired ${deadline.firedAt.toISOString()}`;
  if (deadline.clearedAt) return `cleared (${deadline.clearReason ?? '-'}) ${deadline.clearedAt.toISOString()}`;
  return 'waiting';
};

export const showSaga: CommandHandler = async (context) => {
  const orderId = orderIdOf(context);
  const pool = await context.ops.migratedPool();
  let saga = await getSaga(pool, orderId);
  let source: 'read-model' | 'event-store' = 'read-model';
  if (!saga) {
    const folded = await loadSaga(context.ops.store(), orderId);
    if (folded.status === 'not_started') throw notFoundError(`no saga for order ${orderId}`);
    saga = viewOfFold(folded);
    source = 'event-store';
  }
  const deadlines = await sagaDeadlinesOf(pool, orderId);
  if (context.json) {
    context.print(JSON.stringify({ source, saga, deadlines }));
    return undefined;
  }
  context.print(`saga ${saga.sagaId} (order ${saga.orderId}): ${saga.state}   [from the ${source.replace('-', ' ')}]`);
  context.print(`  step        ${orDash(saga.step)}`);
  context.print(`  started     ${orDash(saga.startedAt)}`);
  context.print(`  ended       ${orDash(saga.endedAt)}`);
  context.print(`  last error  ${orDash(saga.lastError)}`);
  context.print('');
  context.print(
    renderTable(
      [{ header: 'STEP' }, { header: 'STATUS' }, { header: 'AT' }, { header: 'BY' }, { header: 'DETAIL', max: 80 }],
      saga.steps.map((step) => [
        step.name,
        step.status,
        orDash(step.at),
        orDash(step.by && `${step.by.subject} (${step.by.role})`),
        orDash(step.detail),
      ]),
    ),
  );
  context.print('');
  const rows =
    deadlines.length > 0
      ? deadlines.map((d) => [d.deadlineId, d.name, d.dueAt.toISOString(), orDash(d.stepId), deadlineState(d)])
      : saga.deadlines.map((d) => [d.deadlineId, d.name, d.dueAt, orDash(d.stepId), 'set']);
  context.print(
    renderTable(
      [{ header: 'DEADLINE' }, { header: 'NAME' }, { header: 'DUE' }, { header: 'STEP' }, { header: 'STATE' }],
      rows,
    ),
  );
  return undefined;
};

const operatorRequest = (context: CommandContext) => ({
  store: context.ops.store(),
  orderId: orderIdOf(context),
  now: new Date(),
  decider: createSagaDecider(sagaOptionsOf(context.ops.config)),
});

const printOutcome = (context: CommandContext, what: string, outcome: Awaited<ReturnType<typeof retrySaga>>) => {
  const orderId = orderIdOf(context);
  if (context.json) {
    context.print(
      JSON.stringify({
        ok: true,
        orderId,
        sagaId: sagaStreamId(orderId),
        events: outcome.events.map((event) => ({ type: event.type, version: event.version })),
        position: outcome.position.toString(),
      }),
    );
    return;
  }
  const appended = outcome.events.map((event) => event.type).join(', ') || 'nothing new (already requested)';
  context.print(`${what} saga ${sagaStreamId(orderId)}: appended ${appended}`);
};

export const retrySagaCommand: CommandHandler = async (context) => {
  printOutcome(context, 'retry requested for', await retrySaga(operatorRequest(context)));
  return undefined;
};

export const compensateSagaCommand: CommandHandler = async (context) => {
  const orderId = orderIdOf(context);
  if (!hasFlag(context.args, 'yes')) {
    if (!context.interactive) {
      throw usageError(`refusing to compensate saga ${sagaStreamId(orderId)} without confirmation: pass --yes`);
    }
    const saga = await loadSaga(context.ops.store(), orderId);
    if (saga.status === 'not_started') throw notFoundError(`no saga for order ${orderId}`);
    const confirmed = await context.confirm(
      `Compensate order ${orderId} (saga ${saga.status})? Stock is released, payment voided or refunded, the order cancelled.`,
    );
    if (!confirmed) throw failedError('not confirmed: nothing was changed');
  }
  const reason = optionText(context.args, 'reason') ?? 'operator request';
  printOutcome(context, 'compensation started for', await compensateSaga({ ...operatorRequest(context), reason }));
  return exitCodes.ok;
};

import type { DeadlineName } from '../../domain/order-saga/events.ts';
import type { SagaStatus, StepStatus } from '../../domain/order-saga/state.ts';
import {
  checkFilterValue,
  checkPageLimit,
  keysetPage,
  keysetTimestampSql,
  type Page,
} from '../projector/keyset-cursor.ts';
import type { Queryable } from '../projector/projection.ts';
import { rowVersion } from '../projector/row-version.ts';
import { sqlIdentifier } from '../projector/sql-identifier.ts';
import { type SagasTables, sagasTables } from './sagas-tables.ts';

export const sagaStates: readonly SagaStatus[] = ['running', 'compensating', 'stuck', 'completed', 'compensated'];

export interface SagaStepView {
  name: string;
  status: StepStatus;
  /** When the step reached this status. */
  at: string;
  /** The error of a failed attempt. */
  detail?: string;
  /** The operator whose request scheduled this attempt (a retry, a forced compensation); absent when the saga did. */
  by?: { subject: string; role: string };
}

export interface SagaDeadlineView {
  deadlineId: string;
  name: DeadlineName;
  dueAt: string;
  stepId?: string;
}

/** What `GET /sagas/:orderId` returns. */
export interface SagaView {
  /** The saga's stream id, `saga-<orderId>`. */
  sagaId: string;
  orderId: string;
  state: SagaStatus;
  /** The step scheduled last; null before the first. */
  step: string | null;
  /** In the order first scheduled. */
  steps: SagaStepView[];
  /** Set and not yet cleared, soonest first. */
  deadlines: SagaDeadlineView[];
  lastError?: string;
  startedAt: string;
  endedAt?: string;
}

export interface ListSagasQuery {
  state?: SagaStatus;
  limit: number;
  cursor?: string;
}

interface StoredStep extends SagaStepView {
  stepId: string;
  seq: number;
}

interface SagaRow {
  order_id: string;
  state: SagaStatus;
  current_step: string | null;
  steps: Record<string, StoredStep>;
  deadlines: Record<string, SagaDeadlineView>;
  last_error: string | null;
  started_at: Date;
  ended_at: Date | null;
  started_key: string;
}

const columns = `order_id, state, current_step, steps, deadlines, last_error, started_at, ended_at,
  ${keysetTimestampSql('started_at')} AS started_key`;

const sagaView = (row: SagaRow): SagaView => ({
  sagaId: `saga-${row.order_id}`,
  orderId: row.order_id,
  state: row.state,
  step: row.current_step,
  steps: Object.values(row.steps)
    .sort((a, b) => a.seq - b.seq)
    .map(({ name, status, at, detail, by }) => ({
      name,
      status,
      at,
      ...(detail === undefined ? {} : { detail }),
      ...(by === undefined ? {} : { by }),
    })),
  deadlines: Object.values(row.deadlines).sort(
    (a, b) => a.dueAt.localeCompare(b.dueAt) || a.deadlineId.localeCompare(b.deadlineId),
  ),
  ...(row.last_error === null ? {} : { lastError: row.last_error }),
  startedAt: row.started_at.toISOString(),
  ...(row.ended_at === null ? {} : { endedAt: row.ended_at.toISOString() }),
});

export const getSaga = async (
  db: Queryable,
  orderId: string,
  tables: SagasTables = sagasTables,
): Promise<SagaView | undefined> => {
  const { rows } = await db.query<SagaRow>(
    `SELECT ${columns} FROM ${sqlIdentifier(tables.sagas)} WHERE order_id = $1`,
    [orderId],
  );
  return rows[0] ? sagaView(rows[0]) : undefined;
};

/** Newest first; `nextCursor` continues after the last item. Throws a validation error (400) for bad input. */
export const listSagas = async (
  db: Queryable,
  { state, limit, cursor }: ListSagasQuery,
  tables: SagasTables = sagasTables,
): Promise<Page<SagaView>> => {
  checkPageLimit(limit);
  checkFilterValue(state, sagaStates, 'state', 'unknown saga state');
  return keysetPage(db, {
    select: `SELECT ${columns} FROM ${sqlIdentifier(tables.sagas)}`,
    equal: { state },
    orderBy: { at: 'started_at', id: 'order_id' },
    limit,
    cursor,
    view: sagaView,
    keyOf: (row: SagaRow) => ({ at: row.started_key, id: row.order_id }),
  });
};

/** The version of `saga-<orderId>` the read model reflects; undefined before the saga started. */
export const sagaVersion = (
  db: Queryable,
  orderId: string,
  tables: SagasTables = sagasTables,
): Promise<number | undefined> => rowVersion(db, tables.sagas, 'order_id', orderId);

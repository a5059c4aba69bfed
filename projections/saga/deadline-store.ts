import type pg from 'pg';
import type { DeadlineName, SagaDeadlineCleared, SagaDeadlineSet } from '../../domain/order-saga/events.ts';
import { sagaStreamId } from '../../domain/order-saga/ids.ts';

/**
 * The `saga_deadlines` table (deploy/migrations/005_saga_deadlines.sql): a copy of the deadlines the saga
 * streams set and clear, which the poller scans for what is due. Writes are idempotent, so a redelivered
 * SagaDeadlineSet or SagaDeadlineCleared changes nothing.
 */
type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

export interface StoredDeadline {
  deadlineId: string;
  orderId: string;
  name: DeadlineName;
  stepId?: string;
  dueAt: Date;
  setAt: Date;
  clearedAt?: Date;
  clearReason?: string;
  firedAt?: Date;
}

interface DeadlineRow {
  deadline_id: string;
  order_id: string;
  name: DeadlineName;
  step_id: string | null;
  due_at: Date;
  set_at: Date;
  cleared_at: Date | null;
  clear_reason: string | null;
  fired_at: Date | null;
}

const toStoredDeadline = (row: DeadlineRow): StoredDeadline => ({
  deadlineId: row.deadline_id,
  orderId: row.order_id,
  name: row.name,
  ...(row.step_id === null ? {} : { stepId: row.step_id }),
  dueAt: row.due_at,
  setAt: row.set_at,
  ...(row.cleared_at === null ? {} : { clearedAt: row.cleared_at }),
  ...(row.clear_reason === null ? {} : { clearReason: row.clear_reason }),
  ...(row.fired_at === null ? {} : { firedAt: row.fired_at }),
});

/** A deadline id is set once and never reused, so a repeat of the Set leaves the row as it is. */
export const recordDeadlineSet = async (db: Queryable, data: SagaDeadlineSet['data']): Promise<void> => {
  await db.query(
    `INSERT INTO saga_deadlines (deadline_id, saga_id, order_id, name, step_id, due_at, set_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (deadline_id) DO NOTHING`,
    [data.deadlineId, sagaStreamId(data.orderId), data.orderId, data.name, data.stepId ?? null, data.dueAt, data.at],
  );
};

/** Per saga stream the Set always comes first (one key, one partition), so the row exists. */
export const recordDeadlineCleared = async (db: Queryable, data: SagaDeadlineCleared['data']): Promise<void> => {
  await db.query(
    `UPDATE saga_deadlines SET cleared_at = $2, clear_reason = $3
     WHERE deadline_id = $1 AND cleared_at IS NULL`,
    [data.deadlineId, data.at, data.reason],
  );
};

/**
 * Locks up to `limit` deadlines due at `now` that were neither cleared nor fired. Rows another poller holds
 * are skipped, so pollers side by side never take the same deadline. Call inside a transaction.
 */
export const takeDueDeadlines = async (client: pg.PoolClient, now: Date, limit: number): Promise<StoredDeadline[]> => {
  const { rows } = await client.query<DeadlineRow>(
    `SELECT * FROM saga_deadlines
     WHERE due_at <= $1 AND cleared_at IS NULL AND fired_at IS NULL
     ORDER BY due_at
     LIMIT $2
     FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
  return rows.map(toStoredDeadline);
};

export const markDeadlinesFired = async (client: pg.PoolClient, deadlineIds: string[], at: Date): Promise<void> => {
  if (deadlineIds.length === 0) return;
  await client.query('UPDATE saga_deadlines SET fired_at = $2 WHERE deadline_id = ANY($1::text[])', [deadlineIds, at]);
};

/** Every deadline an order's saga set, in due order: what an operator looks at next to the saga. */
export const sagaDeadlinesOf = async (db: Queryable, orderId: string): Promise<StoredDeadline[]> => {
  const { rows } = await db.query<DeadlineRow>('SELECT * FROM saga_deadlines WHERE order_id = $1 ORDER BY due_at', [
    orderId,
  ]);
  return rows.map(toStoredDeadline);
};

import type { Queryable } from '../projector/projection.ts';
import { notificationsTable } from './notifications-projection.ts';

/** One webhook delivery as a step of the order's timeline (`GET /sagas/:orderId`). */
export interface NotificationStepView {
  /** `notify:<event type>:<subscription id>`. */
  name: string;
  status: 'succeeded' | 'failed';
  at: string;
  detail: string;
}

interface NotificationRow {
  subscription_id: string;
  event_type: string;
  status: 'sent' | 'failed';
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  at: Date;
}

const attemptsText = (attempts: number) => `${attempts} attempt${attempts === 1 ? '' : 's'}`;

const stepOf = (row: NotificationRow): NotificationStepView => ({
  name: `notify:${row.event_type}:${row.subscription_id}`,
  status: row.status === 'sent' ? 'succeeded' : 'failed',
  at: row.at.toISOString(),
  detail:
    row.status === 'sent'
      ? `delivered after ${attemptsText(row.attempts)} (HTTP ${row.last_status})`
      : `gave up after ${attemptsText(row.attempts)}: ${row.last_error ?? 'no answer'}`,
});

/** The order's webhook deliveries that have an outcome, oldest first. */
export const notificationSteps = async (db: Queryable, orderId: string): Promise<NotificationStepView[]> => {
  const { rows } = await db.query<NotificationRow>(
    `SELECT subscription_id, event_type, status, attempts, last_status, last_error, at
       FROM ${notificationsTable} WHERE order_id = $1 ORDER BY at, delivery_id`,
    [orderId],
  );
  return rows.map(stepOf);
};

/** Deliveries sent and given up, over all orders: the dashboard's notifications panel. */
export const notificationCounts = async (db: Queryable): Promise<{ sent: number; failed: number }> => {
  const { rows } = await db.query<{ status: 'sent' | 'failed'; n: string }>(
    `SELECT status, count(*) AS n FROM ${notificationsTable} GROUP BY status`,
  );
  const count = (status: 'sent' | 'failed') => Number(rows.find((row) => row.status === status)?.n ?? 0);
  return { sent: count('sent'), failed: count('failed') };
};

import type pg from 'pg';
import type { WebhookEventType } from '../../domain/notification/events.ts';

/** A subscription as the API and the CLI show it; the secret is never part of it. */
export interface WebhookSubscriptionView {
  id: string;
  url: string;
  events: WebhookEventType[];
  customerId?: string;
  status: 'enabled' | 'disabled';
  disabledReason?: string;
  disabledAt?: string;
  createdAt: string;
}

export interface NewWebhookSubscription {
  id: string;
  url: string;
  events: readonly WebhookEventType[];
  customerId?: string;
  /** The secret as it rests (`SecretBox.seal`). */
  storedSecret: string;
}

type Queryable = pg.Pool | pg.PoolClient;

interface SubscriptionRow {
  id: string;
  url: string;
  events: WebhookEventType[];
  customer_id: string | null;
  status: 'enabled' | 'disabled';
  disabled_reason: string | null;
  disabled_at: Date | null;
  created_at: Date;
}

const columns = 'id, url, events, customer_id, status, disabled_reason, disabled_at, created_at';

const viewOf = (row: SubscriptionRow): WebhookSubscriptionView => ({
  id: row.id,
  url: row.url,
  events: row.events,
  ...(row.customer_id === null ? {} : { customerId: row.customer_id }),
  status: row.status,
  ...(row.disabled_reason === null ? {} : { disabledReason: row.disabled_reason }),
  ...(row.disabled_at === null ? {} : { disabledAt: row.disabled_at.toISOString() }),
  createdAt: row.created_at.toISOString(),
});

export const createWebhookSubscription = async (
  db: Queryable,
  subscription: NewWebhookSubscription,
): Promise<WebhookSubscriptionView> => {
  const { rows } = await db.query<SubscriptionRow>(
    `INSERT INTO webhook_subscriptions (id, url, events, customer_id, secret) VALUES ($1, $2, $3, $4, $5)
     RETURNING ${columns}`,
    [
      subscription.id,
      subscription.url,
      subscription.events,
      subscription.customerId ?? null,
      subscription.storedSecret,
    ],
  );
  return viewOf(rows[0]!);
};

/** Every subscription not deleted, newest first. */
export const listWebhookSubscriptions = async (db: Queryable): Promise<WebhookSubscriptionView[]> => {
  const { rows } = await db.query<SubscriptionRow>(
    `SELECT ${columns} FROM webhook_subscriptions WHERE deleted_at IS NULL ORDER BY created_at DESC, id DESC`,
  );
  return rows.map(viewOf);
};

export const getWebhookSubscription = async (
  db: Queryable,
  id: string,
): Promise<WebhookSubscriptionView | undefined> => {
  const { rows } = await db.query<SubscriptionRow>(
    `SELECT ${columns} FROM webhook_subscriptions WHERE id = $1 AND deleted_at IS NULL`,
    [id],
  );
  return rows[0] && viewOf(rows[0]);
};

/** False when there is no such subscription (or it was deleted before). Its deliveries stay, as history. */
export const deleteWebhookSubscription = async (db: Queryable, id: string): Promise<boolean> => {
  const { rowCount } = await db.query(
    'UPDATE webhook_subscriptions SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL',
    [id],
  );
  return rowCount === 1;
};

/**
 * An operator switches a disabled subscription back on: its failure streak starts afresh and the
 * deliveries that waited meanwhile go out. Undefined when there is no such subscription.
 */
export const enableWebhookSubscription = async (
  db: Queryable,
  id: string,
): Promise<WebhookSubscriptionView | undefined> => {
  const { rows } = await db.query<SubscriptionRow>(
    `UPDATE webhook_subscriptions
        SET status = 'enabled', disabled_reason = NULL, disabled_at = NULL, failing_since = NULL
      WHERE id = $1 AND deleted_at IS NULL
      RETURNING ${columns}`,
    [id],
  );
  return rows[0] && viewOf(rows[0]);
};

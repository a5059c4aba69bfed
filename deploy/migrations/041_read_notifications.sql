-- The notifications read model (projections/notifications/), from streams notification-<deliveryId>:
-- each webhook delivery's last recorded outcome, shown in GET /sagas/:orderId and on the dashboard.
CREATE TABLE IF NOT EXISTS read_notifications (
  delivery_id text PRIMARY KEY,
  order_id text NOT NULL,
  subscription_id text NOT NULL,
  event_type text NOT NULL,
  status text NOT NULL CHECK (status IN ('sent', 'failed')),
  attempts integer NOT NULL,
  last_status integer,
  last_error text,
  at timestamptz NOT NULL,
  version bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS read_notifications_order_idx ON read_notifications (order_id, at);

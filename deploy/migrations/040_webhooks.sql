-- Webhook subscriptions and their deliveries (commands/webhooks/, projections/notifier/, docs/notifications.md).

CREATE TABLE IF NOT EXISTS webhook_subscriptions (
  id text PRIMARY KEY,
  url text NOT NULL,
  -- order.confirmed | order.cancelled | order.refunded
  events text[] NOT NULL,
  -- Only this customer's orders; NULL: every order.
  customer_id text,
  -- The signing secret, sealed under the data key (sealed:v1:..., platform/data-key.ts).
  secret text NOT NULL,
  status text NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled')),
  disabled_reason text,
  disabled_at timestamptz,
  -- Start of the current run of failed attempts; NULL once an attempt is delivered.
  failing_since timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- DELETE /webhooks/:id: kept for the deliveries' history, never delivered to again.
  deleted_at timestamptz
);

CREATE TABLE IF NOT EXISTS webhook_deliveries (
  -- The Webhook-Id: msg_ + 32 hex of sha256(subscription id ':' source event id), stable per (subscription, event).
  id text PRIMARY KEY,
  subscription_id text NOT NULL REFERENCES webhook_subscriptions (id),
  event_type text NOT NULL,
  order_id text NOT NULL,
  -- The order or payment event told about, and where the notifier read it (its dead letter names it).
  source_event_id text NOT NULL,
  source_stream_id text NOT NULL,
  source_stream_version bigint NOT NULL,
  origin_topic text NOT NULL,
  origin_partition integer NOT NULL,
  origin_offset bigint NOT NULL,
  -- The exact bytes signed and sent, the same on every attempt.
  body text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  -- Attempts of the current round; an operator's redeliver starts a new round.
  round_attempts integer NOT NULL DEFAULT 0,
  -- Outcome events recorded so far: the next one goes to version `outcomes` of notification-<id>.
  outcomes integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- Held by a notifier while an attempt is in flight; a killed notifier's lease runs out and another takes it.
  lease_until timestamptz,
  last_status integer,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (subscription_id, source_event_id)
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS webhook_deliveries_subscription_idx ON webhook_deliveries (subscription_id, created_at DESC);
CREATE INDEX IF NOT EXISTS webhook_deliveries_order_idx ON webhook_deliveries (order_id);

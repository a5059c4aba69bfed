-- Read models built by the projectors (projections/). docs/read-models.md explains them.
-- Every row carries the stream version it reflects; a handler only writes when its event is newer.

-- Where each projection stands per Kafka partition: the offset of the next record to apply. Written in
-- the same transaction as the rows, so it is the truth of what the tables contain.
CREATE TABLE IF NOT EXISTS projection_offsets (
  projection text NOT NULL,
  topic text NOT NULL,
  partition integer NOT NULL,
  next_offset bigint NOT NULL CHECK (next_offset >= 0),
  last_event_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (projection, topic, partition)
);

-- Stream order-<orderId>.
CREATE TABLE IF NOT EXISTS read_orders (
  order_id text PRIMARY KEY,
  customer_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'confirmed', 'cancelled')),
  cancellation_reason text,
  items jsonb NOT NULL,
  total bigint NOT NULL,
  currency text NOT NULL,
  -- [{method, amount, couponCode?}]: gateway tokens are left out.
  payment jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version bigint NOT NULL
);
-- Keyset pagination, newest first, by (created_at, order_id), optionally filtered by customer and/or status.
CREATE INDEX IF NOT EXISTS read_orders_created_idx ON read_orders (created_at DESC, order_id DESC);
CREATE INDEX IF NOT EXISTS read_orders_customer_created_idx ON read_orders (customer_id, created_at DESC, order_id DESC);
CREATE INDEX IF NOT EXISTS read_orders_status_created_idx ON read_orders (status, created_at DESC, order_id DESC);
CREATE INDEX IF NOT EXISTS read_orders_customer_status_created_idx
  ON read_orders (customer_id, status, created_at DESC, order_id DESC);

-- Stream inventory-<sku>. Stock events carry the levels after the change: they are set, never added.
CREATE TABLE IF NOT EXISTS read_inventory (
  sku text PRIMARY KEY,
  name text NOT NULL,
  unit_price bigint NOT NULL,
  on_hand bigint NOT NULL,
  reserved bigint NOT NULL,
  available bigint NOT NULL,
  updated_at timestamptz NOT NULL,
  version bigint NOT NULL
);

-- Stream payment-<orderId>.
CREATE TABLE IF NOT EXISTS read_payments (
  order_id text PRIMARY KEY,
  customer_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('requested', 'authorized', 'declined', 'captured', 'voided', 'refunded')),
  -- [{method, amount, couponCode?}]: gateway tokens are left out.
  parts jsonb NOT NULL,
  total bigint NOT NULL,
  authorization_id text,
  captured_amount bigint NOT NULL DEFAULT 0,
  refunded_amount bigint NOT NULL DEFAULT 0,
  -- Why it was declined, voided or refunded (the last of these).
  reason text,
  requested_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version bigint NOT NULL
);

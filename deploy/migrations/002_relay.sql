-- Where each relay stands in the store's global order. Moved only after Kafka acknowledged.
CREATE TABLE IF NOT EXISTS relay_checkpoints (
  name text PRIMARY KEY,
  position bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

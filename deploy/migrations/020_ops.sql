-- The operator CLI (cli/, docs/operations.md).

-- Dead letters sent back to their origin topic by `orders-ops dlq replay`: `--all` skips what is here.
-- A dead letter is named by its place in its dead-letter topic.
CREATE TABLE IF NOT EXISTS ops_dlq_replays (
  dlq_topic text NOT NULL,
  dlq_partition integer NOT NULL,
  dlq_offset bigint NOT NULL,
  origin_topic text NOT NULL,
  -- Where the replayed copy landed.
  replayed_partition integer NOT NULL,
  replayed_offset bigint NOT NULL,
  replayed_at timestamptz NOT NULL DEFAULT now(),
  replays integer NOT NULL DEFAULT 1,
  PRIMARY KEY (dlq_topic, dlq_partition, dlq_offset)
);

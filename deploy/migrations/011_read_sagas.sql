-- The sagas read model (projections/sagas/), from stream saga-<orderId>. docs/read-models.md explains it.
CREATE TABLE IF NOT EXISTS read_sagas (
  order_id text PRIMARY KEY,
  state text NOT NULL CHECK (state IN ('running', 'compensating', 'stuck', 'completed', 'compensated')),
  -- Where a stuck saga returns when resumed: running, or compensating once compensation started.
  phase text NOT NULL CHECK (phase IN ('running', 'compensating')),
  compensation_reason text,
  -- The step scheduled last.
  current_step text,
  -- step name -> {name, stepId, status, at, detail?, seq}; seq (the version that first scheduled it) orders them.
  steps jsonb NOT NULL DEFAULT '{}',
  -- deadline id -> {deadlineId, name, dueAt, stepId?}: the deadlines set and not cleared yet.
  deadlines jsonb NOT NULL DEFAULT '{}',
  last_error text,
  started_at timestamptz NOT NULL,
  ended_at timestamptz,
  updated_at timestamptz NOT NULL,
  version bigint NOT NULL
);
-- Keyset pagination, newest first, optionally filtered by state.
CREATE INDEX IF NOT EXISTS read_sagas_started_idx ON read_sagas (started_at DESC, order_id DESC);
CREATE INDEX IF NOT EXISTS read_sagas_state_started_idx ON read_sagas (state, started_at DESC, order_id DESC);

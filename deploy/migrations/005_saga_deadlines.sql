-- The saga's timers (projections/saga/, docs/saga.md). The step dispatcher copies every SagaDeadlineSet and
-- SagaDeadlineCleared of the saga streams here; the deadline poller fires what is due, uncleared and unfired.
-- The saga stream stays the truth: a row that fires late or twice is answered with nothing by the decider.
CREATE TABLE IF NOT EXISTS saga_deadlines (
  -- `saga-<orderId>:payment`, `saga-<orderId>:retry:<stepId>`: set once, never reused.
  deadline_id text PRIMARY KEY,
  saga_id text NOT NULL,
  order_id text NOT NULL,
  name text NOT NULL CHECK (name IN ('payment', 'retry')),
  step_id text,
  due_at timestamptz NOT NULL,
  set_at timestamptz NOT NULL,
  -- The saga no longer waits for it (reached or obsolete).
  cleared_at timestamptz,
  clear_reason text,
  -- DeadlineReached was fed to the saga (in the transaction that took the row).
  fired_at timestamptz
);

-- What the poller scans: only rows still waiting, in due order.
CREATE INDEX IF NOT EXISTS saga_deadlines_waiting ON saga_deadlines (due_at) WHERE cleared_at IS NULL AND fired_at IS NULL;
CREATE INDEX IF NOT EXISTS saga_deadlines_by_order ON saga_deadlines (order_id);

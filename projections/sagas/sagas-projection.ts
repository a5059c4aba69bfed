import type pg from 'pg';
import { assertNever } from '../../domain/decider.ts';
import { type SagaEvent, sagaEventTypes } from '../../domain/order-saga/events.ts';
import type { StepStatus } from '../../domain/order-saga/state.ts';
import { topicForAggregate } from '../../schemas/event-catalog.ts';
import { eventOf } from '../projector/event-of.ts';
import type { Projection } from '../projector/projection.ts';
import { sqlIdentifier } from '../projector/sql-identifier.ts';
import { type SagasTables, sagasTables } from './sagas-tables.ts';

/**
 * Stream `saga-<orderId>` into one row per saga: one statement per event, every one guarded by
 * `version < $version`, so a redelivered or late event changes nothing. Steps and deadlines are
 * jsonb objects keyed by name, changed in place; an outcome only touches its step when it is
 * about the attempt the row holds (as in the saga's own `evolve`).
 */
export const sagasProjection = ({
  name = 'sagas',
  tables = sagasTables,
}: {
  name?: string;
  tables?: SagasTables;
} = {}): Projection => {
  const sagas = sqlIdentifier(tables.sagas);
  /** $1 order id, $2 time of the event, $3 version; `set` may use $4 onwards. */
  const update = (tx: pg.PoolClient, set: string, params: unknown[]) =>
    tx.query(
      `UPDATE ${sagas} SET ${set ? `${set}, ` : ''}updated_at = $2, version = $3 WHERE order_id = $1 AND version < $3`,
      params,
    );
  /** $4 step name, $5 step id, $6 the fields to merge, $7 an error to remember. */
  const stepOutcome = `steps = CASE WHEN steps -> $4::text ->> 'stepId' = $5::text
                                    THEN jsonb_set(steps, ARRAY[$4::text], ((steps -> $4::text) - 'detail') || $6::jsonb)
                                    ELSE steps END,
                       last_error = coalesce($7::text, last_error)`;
  const outcome = (status: StepStatus, at: string, detail?: string) =>
    JSON.stringify(detail === undefined ? { status, at } : { status, at, detail });

  return {
    name,
    topics: [topicForAggregate('saga')],
    handle: async (tx, envelope) => {
      const event = eventOf<SagaEvent>(envelope, sagaEventTypes);
      const version = envelope.streamVersion;
      switch (event.type) {
        case 'SagaStarted': {
          const { orderId, at } = event.data;
          await tx.query(
            `INSERT INTO ${sagas} AS s (order_id, state, phase, steps, deadlines, started_at, updated_at, version)
             VALUES ($1, 'running', 'running', '{}', '{}', $2, $2, $3)
             ON CONFLICT (order_id) DO UPDATE SET
               state = EXCLUDED.state, phase = EXCLUDED.phase, compensation_reason = NULL, current_step = NULL,
               steps = EXCLUDED.steps, deadlines = EXCLUDED.deadlines, last_error = NULL,
               started_at = EXCLUDED.started_at, ended_at = NULL, updated_at = EXCLUDED.updated_at,
               version = EXCLUDED.version
             WHERE s.version < EXCLUDED.version`,
            [orderId, at, version],
          );
          return;
        }
        case 'SagaStepScheduled': {
          const { orderId, step, stepId, scheduledAt } = event.data;
          // A step an operator's request scheduled (a retry, a forced compensation) names them.
          const by = envelope.actorSubject
            ? { by: { subject: envelope.actorSubject, role: envelope.actorRole ?? 'none' } }
            : {};
          const entry = JSON.stringify({ name: step, stepId, status: 'in_flight', at: scheduledAt, ...by });
          // A retry keeps the step's place in the list (`seq` of its first scheduling).
          await update(
            tx,
            `steps = jsonb_set(steps, ARRAY[$4::text],
                       $5::jsonb || jsonb_build_object('seq', coalesce(steps -> $4::text -> 'seq', to_jsonb($3::bigint)))),
             current_step = $4`,
            [orderId, scheduledAt, version, step, entry],
          );
          return;
        }
        case 'SagaStepSucceeded': {
          const { orderId, step, stepId, at } = event.data;
          await update(tx, stepOutcome, [orderId, at, version, step, stepId, outcome('succeeded', at), null]);
          return;
        }
        case 'SagaStepFailed': {
          const { orderId, step, stepId, error, retryAt, at } = event.data;
          const status: StepStatus = retryAt === undefined ? 'failed' : 'awaiting_retry';
          const detail = retryAt === undefined ? error : `${error} (retry at ${retryAt})`;
          await update(tx, stepOutcome, [orderId, at, version, step, stepId, outcome(status, at, detail), error]);
          return;
        }
        case 'SagaStepAbandoned': {
          const { orderId, step, stepId, at } = event.data;
          await update(tx, stepOutcome, [orderId, at, version, step, stepId, outcome('abandoned', at), null]);
          return;
        }
        case 'SagaDeadlineSet': {
          const { orderId, deadlineId, name: deadlineName, dueAt, stepId, at } = event.data;
          const deadline = { deadlineId, name: deadlineName, dueAt, ...(stepId === undefined ? {} : { stepId }) };
          await update(tx, `deadlines = deadlines || jsonb_build_object($4::text, $5::jsonb)`, [
            orderId,
            at,
            version,
            deadlineId,
            JSON.stringify(deadline),
          ]);
          return;
        }
        case 'SagaDeadlineCleared': {
          const { orderId, deadlineId, at } = event.data;
          await update(tx, `deadlines = deadlines - $4::text`, [orderId, at, version, deadlineId]);
          return;
        }
        case 'SagaCompensationStarted': {
          const { orderId, reason, at } = event.data;
          await update(tx, `state = 'compensating', phase = 'compensating', compensation_reason = $4`, [
            orderId,
            at,
            version,
            reason,
          ]);
          return;
        }
        case 'SagaCompleted':
          await update(tx, `state = 'completed', ended_at = $2`, [event.data.orderId, event.data.at, version]);
          return;
        case 'SagaCompensated':
          await update(tx, `state = 'compensated', ended_at = $2`, [event.data.orderId, event.data.at, version]);
          return;
        case 'SagaStuck': {
          const { orderId, lastError, at } = event.data;
          await update(tx, `state = 'stuck', last_error = $4`, [orderId, at, version, lastError]);
          return;
        }
        case 'SagaResumed':
          await update(tx, 'state = phase', [event.data.orderId, event.data.at, version]);
          return;
        case 'SagaLineReserved':
        case 'SagaLineRejected':
        case 'SagaLineReleased':
        case 'SagaLineCommitted':
        case 'SagaLineReturned':
        case 'SagaPaymentAuthorized':
        case 'SagaPaymentDeclined':
        case 'SagaPaymentCaptured':
        case 'SagaPaymentVoided':
        case 'SagaPaymentRefunded':
        case 'SagaOrderConfirmed':
        case 'SagaOrderCancelled':
          // Observations of other aggregates: shown by their own read models; the row only moves its version.
          await update(tx, '', [event.data.orderId, event.data.at, version]);
          return;
        default:
          assertNever(event);
      }
    },
  };
};

import type { ReadModelShape } from './independent-fold.ts';
import { type FoldEvent, instantOrNull, jsonText, mapFold, numberOf, textOrNull } from './independent-fold.ts';
import { canonicalJson, isoInstant } from './model-checksum.ts';

interface StepEntry {
  name: string;
  stepId: string;
  status: string;
  at: string;
  detail?: string;
  seq: number;
  by?: { subject: string; role: string };
}

interface ExpectedSaga {
  state: string;
  phase: string;
  compensationReason: string | null;
  currentStep: string | null;
  steps: Record<string, StepEntry>;
  deadlines: Record<string, Record<string, string>>;
  lastError: string | null;
  startedAt: string;
  endedAt: string | null;
  updatedAt: string;
  version: number;
}

type SagaData = Record<string, unknown> & { orderId: string; at?: string };

const observations = new Set([
  'SagaLineReserved',
  'SagaLineRejected',
  'SagaLineReleased',
  'SagaLineCommitted',
  'SagaLineReturned',
  'SagaPaymentAuthorized',
  'SagaPaymentDeclined',
  'SagaPaymentCaptured',
  'SagaPaymentVoided',
  'SagaPaymentRefunded',
  'SagaOrderConfirmed',
  'SagaOrderCancelled',
]);

/** An outcome only changes the step when it is about the attempt the row holds. */
const settleStep = (row: ExpectedSaga, data: SagaData, status: string, detail?: string): void => {
  const step = String(data.step);
  const current = row.steps[step];
  if (current?.stepId !== String(data.stepId)) return;
  const { detail: _dropped, ...rest } = current;
  row.steps[step] = { ...rest, status, at: String(data.at), ...(detail === undefined ? {} : { detail }) };
};

/**
 * docs/read-models.md (`read_sagas`): state and phase, steps by name with the order they were first
 * scheduled (`seq`), the deadlines still set, the last error. Written from those rules, not from the SQL.
 */
const applySagaEvent = (rows: Map<string, ExpectedSaga>, event: FoldEvent): void => {
  const data = event.data as SagaData;
  const row = rows.get(data.orderId);
  if (event.type === 'SagaStarted') {
    if (row !== undefined && row.version >= event.version) return;
    const at = isoInstant(String(data.at));
    rows.set(data.orderId, {
      state: 'running',
      phase: 'running',
      compensationReason: null,
      currentStep: null,
      steps: {},
      deadlines: {},
      lastError: null,
      startedAt: at,
      endedAt: null,
      updatedAt: at,
      version: event.version,
    });
    return;
  }
  if (row === undefined || row.version >= event.version) return;
  const time = event.type === 'SagaStepScheduled' ? String(data.scheduledAt) : String(data.at);
  switch (event.type) {
    case 'SagaStepScheduled': {
      const step = String(data.step);
      const seq = row.steps[step]?.seq ?? event.version;
      // A step an operator's request scheduled (a retry, a forced compensation) names them.
      row.steps[step] = {
        name: step,
        stepId: String(data.stepId),
        status: 'in_flight',
        at: time,
        seq,
        ...(event.actor ? { by: event.actor } : {}),
      };
      row.currentStep = step;
      break;
    }
    case 'SagaStepSucceeded':
      settleStep(row, data, 'succeeded');
      break;
    case 'SagaStepFailed': {
      const error = String(data.error);
      const retrying = data.retryAt !== undefined;
      settleStep(
        row,
        data,
        retrying ? 'awaiting_retry' : 'failed',
        retrying ? `${error} (retry at ${data.retryAt})` : error,
      );
      row.lastError = error;
      break;
    }
    case 'SagaStepAbandoned':
      settleStep(row, data, 'abandoned');
      break;
    case 'SagaDeadlineSet': {
      const deadlineId = String(data.deadlineId);
      row.deadlines[deadlineId] = {
        deadlineId,
        name: String(data.name),
        dueAt: String(data.dueAt),
        ...(data.stepId === undefined ? {} : { stepId: String(data.stepId) }),
      };
      break;
    }
    case 'SagaDeadlineCleared':
      delete row.deadlines[String(data.deadlineId)];
      break;
    case 'SagaCompensationStarted':
      row.state = 'compensating';
      row.phase = 'compensating';
      row.compensationReason = String(data.reason);
      break;
    case 'SagaCompleted':
      row.state = 'completed';
      row.endedAt = isoInstant(time);
      break;
    case 'SagaCompensated':
      row.state = 'compensated';
      row.endedAt = isoInstant(time);
      break;
    case 'SagaStuck':
      row.state = 'stuck';
      row.lastError = String(data.lastError);
      break;
    case 'SagaResumed':
      row.state = row.phase;
      break;
    default:
      // Observations of the other aggregates move only the version; anything else is no saga event.
      if (!observations.has(event.type)) return;
  }
  row.updatedAt = isoInstant(time);
  row.version = event.version;
};

export const sagasShape: ReadModelShape = {
  key: 'order_id',
  columns: [
    'order_id',
    'state',
    'phase',
    'compensation_reason',
    'current_step',
    'steps',
    'deadlines',
    'last_error',
    'started_at',
    'ended_at',
    'updated_at',
    'version',
  ],
  fromTable: (row) => ({
    state: String(row.state),
    phase: String(row.phase),
    compensationReason: textOrNull(row.compensation_reason),
    currentStep: textOrNull(row.current_step),
    steps: jsonText(row.steps),
    deadlines: jsonText(row.deadlines),
    lastError: textOrNull(row.last_error),
    startedAt: instantOrNull(row.started_at) ?? '',
    endedAt: instantOrNull(row.ended_at),
    updatedAt: instantOrNull(row.updated_at) ?? '',
    version: numberOf(row.version),
  }),
  newFold: () =>
    mapFold(applySagaEvent, (row: ExpectedSaga) => ({
      ...row,
      steps: canonicalJson(row.steps),
      deadlines: canonicalJson(row.deadlines),
    })),
};

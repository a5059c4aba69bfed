import { assertNever } from '../decider.ts';
import type { SagaEvent, SagaStarted } from './events.ts';
import type {
  LineProgress,
  LineStatus,
  OrderStatus,
  PaymentStatus,
  SagaState,
  StartedSaga,
  StepProgress,
} from './state.ts';

const withLine = (saga: StartedSaga, sku: string, status: LineStatus): StartedSaga => ({
  ...saga,
  lines: saga.lines.map((line): LineProgress => (line.sku === sku ? { ...line, status } : line)),
});

const withPayment = (saga: StartedSaga, paymentStatus: PaymentStatus): StartedSaga => ({ ...saga, paymentStatus });

const withOrder = (saga: StartedSaga, orderStatus: OrderStatus): StartedSaga => ({ ...saga, orderStatus });

/** Changes the step only when the event is about its current attempt. */
const withStep = (
  saga: StartedSaga,
  step: string,
  stepId: string,
  change: Partial<Omit<StepProgress, 'step' | 'stepId' | 'attempt' | 'command'>>,
): StartedSaga => {
  const current = saga.steps[step];
  if (current?.stepId !== stepId) return saga;
  return { ...saga, steps: { ...saga.steps, [step]: { ...current, ...change } } };
};

const withoutDeadline = (saga: StartedSaga, deadlineId: string): StartedSaga => {
  const { [deadlineId]: _cleared, ...deadlines } = saga.deadlines;
  return { ...saga, deadlines };
};

/** Folds an event into a saga known to have started (the decider's working copy). */
export const evolveStartedSaga = (saga: StartedSaga, event: SagaEvent): StartedSaga => {
  switch (event.type) {
    case 'SagaStarted':
      return saga;
    case 'SagaStepScheduled': {
      const { step, stepId, attempt, command } = event.data;
      return { ...saga, steps: { ...saga.steps, [step]: { step, stepId, attempt, command, status: 'in_flight' } } };
    }
    case 'SagaStepSucceeded':
      return withStep(saga, event.data.step, event.data.stepId, { status: 'succeeded' });
    case 'SagaStepFailed': {
      const { step, stepId, error, rule, retryAt } = event.data;
      return withStep(saga, step, stepId, {
        status: retryAt === undefined ? 'failed' : 'awaiting_retry',
        lastError: error,
        ...(rule === undefined ? {} : { rule }),
      });
    }
    case 'SagaStepAbandoned':
      return withStep(saga, event.data.step, event.data.stepId, { status: 'abandoned' });
    case 'SagaDeadlineSet': {
      const { deadlineId, name, dueAt, stepId } = event.data;
      const deadline = { deadlineId, name, dueAt, ...(stepId === undefined ? {} : { stepId }) };
      return { ...saga, deadlines: { ...saga.deadlines, [deadlineId]: deadline } };
    }
    case 'SagaDeadlineCleared':
      return withoutDeadline(saga, event.data.deadlineId);
    case 'SagaCompensationStarted': {
      const { reason, detail } = event.data;
      // Compensation does not wait for a stuck forward step: it settles what that step may have done.
      return {
        ...saga,
        status: 'compensating',
        compensation: { reason, ...(detail === undefined ? {} : { detail }) },
        stuck: [],
      };
    }
    case 'SagaCompleted':
      return { ...saga, status: 'completed' };
    case 'SagaCompensated':
      return { ...saga, status: 'compensated' };
    case 'SagaStuck': {
      const { step, stepId, lastError } = event.data;
      return { ...saga, status: 'stuck', stuck: [...saga.stuck, { step, stepId, lastError }] };
    }
    case 'SagaResumed':
      return { ...saga, status: saga.compensation ? 'compensating' : 'running', stuck: [] };
    case 'SagaLineReserved':
      return withLine(saga, event.data.sku, 'reserved');
    case 'SagaLineRejected':
      return withLine(saga, event.data.sku, 'rejected');
    case 'SagaLineReleased':
      return withLine(saga, event.data.sku, 'released');
    case 'SagaLineCommitted':
      return withLine(saga, event.data.sku, 'committed');
    case 'SagaLineReturned':
      return withLine(saga, event.data.sku, 'returned');
    case 'SagaPaymentAuthorized':
      return withPayment(saga, 'authorized');
    case 'SagaPaymentDeclined':
      return withPayment(saga, 'declined');
    case 'SagaPaymentCaptured':
      return withPayment(saga, 'captured');
    case 'SagaPaymentVoided':
      return withPayment(saga, 'voided');
    case 'SagaPaymentRefunded':
      return withPayment(saga, 'refunded');
    case 'SagaOrderConfirmed':
      return withOrder(saga, 'confirmed');
    case 'SagaOrderCancelled':
      return withOrder(saga, 'cancelled');
    default:
      return assertNever(event);
  }
};

/** The saga as its first event starts it. */
export const startedSagaOf = ({ data }: SagaStarted): StartedSaga => ({
  status: 'running',
  orderId: data.orderId,
  customerId: data.customerId,
  lines: data.lines.map(({ sku, quantity }) => ({ sku, quantity, status: 'pending' })),
  payment: data.payment,
  total: data.total,
  paymentStatus: 'none',
  orderStatus: 'pending',
  steps: {},
  deadlines: {},
  stuck: [],
});

export const evolveSaga = (state: SagaState, event: SagaEvent): SagaState => {
  if (state.status !== 'not_started') return evolveStartedSaga(state, event);
  return event.type === 'SagaStarted' ? startedSagaOf(event) : state;
};

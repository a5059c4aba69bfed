import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RecordedEvent } from '../../commands/event-store/event-store.ts';
import { envelopeOf, recordedEvent } from '../projector/testing/recorded-events.ts';
import { foldEventOf, type ReadModelShape } from './independent-fold.ts';
import { inventoryShape } from './inventory-fold.ts';
import { ordersShape } from './orders-fold.ts';
import { paymentsShape } from './payments-fold.ts';
import { sagasShape } from './sagas-fold.ts';
import { inventoryHistory, orderHistory, paymentHistory } from './testing/event-mix.ts';

const test = suite('independent folds of the read models');

/** Through the real Avro encoding, as the rebuild feeds them. */
const foldOf = (shape: ReadModelShape, events: RecordedEvent[]) => {
  const fold = shape.newFold();
  for (const event of events) fold.apply(foldEventOf(envelopeOf(event)));
  return Object.fromEntries([...fold.model()].map(([id, row]) => [id, JSON.parse(row)]));
};

test('orders: tokens dropped, status moves, older and repeated events change nothing', () => {
  const events = orderHistory('o1', 2);
  const model = foldOf(ordersShape, [...events, events[1]!, events[0]!]);
  assert.equal(model.o1, {
    cancellationReason: 'customer_request',
    createdAt: '2024-05-01T10:00:02.000Z',
    currency: 'EUR',
    customerId: 'c2',
    items: '[{"quantity":3,"sku":"sku-2","unitPrice":1500},{"quantity":1,"sku":"sku-7","unitPrice":700}]',
    payment: '[{"amount":5200,"method":"card"}]',
    status: 'cancelled',
    total: 5200,
    updatedAt: '2024-05-01T10:00:02.020Z',
    version: 2,
  });
  // An event for a row that does not exist yet changes nothing.
  assert.equal(foldOf(ordersShape, [events[1]!]), {});
});

test('payments and inventory keep what the documented rules say', () => {
  const voided = foldOf(paymentsShape, paymentHistory('p1', 1)).p1;
  assert.is(voided.status, 'voided');
  assert.is(voided.authorizationId, 'auth-1');
  assert.is(voided.reason, 'payment_timeout');
  assert.is(voided.parts, '[{"amount":3000,"method":"card"},{"amount":500,"couponCode":"SAVE5","method":"coupon"}]');
  const stock = foldOf(inventoryShape, inventoryHistory('sku-x', 0, 3))['sku-x'];
  assert.equal(
    { onHand: stock.onHand, reserved: stock.reserved, available: stock.available, version: stock.version },
    {
      onHand: 998,
      reserved: 2,
      available: 996,
      version: 3,
    },
  );
});

test('sagas: steps keep their first place, stale outcomes are ignored, deadlines come and go', () => {
  let version = 0;
  const t = (second: number) => new Date(Date.UTC(2024, 4, 1, 10, 0, second)).toISOString();
  const event = (type: string, data: Record<string, unknown>) =>
    recordedEvent('saga-o1', version++, type, { orderId: 'o1', ...data });
  const attempt = (step: string, n: number) => ({ step, stepId: `${step}#${n}`, attempt: n });
  const command = {
    type: 'AuthorizePayment',
    streamId: 'payment-o1',
    commandId: 'saga-o1:authorize-payment',
    dataJson: '{}',
  };
  const model = foldOf(sagasShape, [
    event('SagaStarted', { customerId: 'c1', lines: [], payment: [], total: 1, at: t(0) }),
    event('SagaStepScheduled', { ...attempt('authorize-payment', 1), command, scheduledAt: t(1) }),
    event('SagaDeadlineSet', { deadlineId: 'd1', name: 'payment', dueAt: t(30), at: t(1) }),
    event('SagaStepFailed', {
      ...attempt('authorize-payment', 1),
      error: 'timeout',
      transient: true,
      retryAt: t(3),
      at: t(2),
    }),
    event('SagaDeadlineSet', { deadlineId: 'd2', name: 'retry', dueAt: t(3), stepId: 'authorize-payment#1', at: t(2) }),
    event('SagaDeadlineCleared', { deadlineId: 'd2', reason: 'reached', at: t(3) }),
    event('SagaStepScheduled', { ...attempt('authorize-payment', 2), command, scheduledAt: t(3) }),
    event('SagaStepSucceeded', { ...attempt('authorize-payment', 1), at: t(4) }),
    event('SagaStuck', { stepId: 'authorize-payment#2', step: 'authorize-payment', lastError: 'down', at: t(5) }),
  ]);
  assert.equal(model.o1, {
    compensationReason: null,
    currentStep: 'authorize-payment',
    deadlines: '{"d1":{"deadlineId":"d1","dueAt":"2024-05-01T10:00:30.000Z","name":"payment"}}',
    endedAt: null,
    lastError: 'down',
    phase: 'running',
    startedAt: t(0),
    state: 'stuck',
    steps: `{"authorize-payment":{"at":"${t(3)}","name":"authorize-payment","seq":1,"status":"in_flight","stepId":"authorize-payment#2"}}`,
    updatedAt: t(5),
    version: 8,
  });
});

test.run();

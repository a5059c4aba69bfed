import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { inputs, skus } from '../../domain/order-saga/examples.ts';
import type { EventEnvelope } from '../../schemas/kafka-envelope.ts';
import {
  inputCommandId,
  sagaEventsTopic,
  sagaInputGroupId,
  sagaInputOfEnvelope,
  sagaInputTopics,
  sagaOptionsOf,
  stepDispatcherGroupId,
} from './runtime.ts';

const envelopes = suite('sagaInputOfEnvelope');
const envelope = (type: string, data: unknown): EventEnvelope => ({
  eventId: 'e-1',
  type,
  schemaVersion: 1,
  streamId: 'inventory-sku-a',
  streamVersion: 3,
  position: 10n,
  recordedAt: '2025-01-01T10:00:00.000Z',
  data,
});
const now = new Date('2025-01-01T10:00:01.000Z');

envelopes('an observed event becomes an input keyed by its event id', () => {
  const { data } = inputs.reserved(skus[0]!);
  assert.equal(sagaInputOfEnvelope(envelope('StockReserved', data), now), {
    orderId: 'o1',
    input: {
      type: 'StockReserved',
      data,
      metadata: { commandId: inputCommandId('e-1'), now: now.toISOString(), correlationId: 'o1', causationId: 'e-1' },
    },
  });
});

envelopes('events the saga does not observe, or without an order, are ignored', () => {
  assert.is(sagaInputOfEnvelope(envelope('SkuRegistered', { sku: 'sku-a' }), now), undefined);
  assert.is(sagaInputOfEnvelope(envelope('PointsSpent', { orderId: 'o1' }), now), undefined);
  assert.is(sagaInputOfEnvelope(envelope('StockReserved', { sku: 'sku-a' }), now), undefined);
  assert.is(sagaInputOfEnvelope(envelope('StepSucceeded', { orderId: 'o1', stepId: 'x#1' }), now), undefined);
});

const naming = suite('topics, groups and options');

naming('the saga reads three event topics and its own, under the prefix, in groups of the prefix', () => {
  assert.equal(sagaInputTopics('t.'), ['t.order-events', 't.inventory-events', 't.payment-events']);
  assert.is(sagaEventsTopic('t.'), 't.saga-events');
  assert.equal([sagaInputGroupId(), stepDispatcherGroupId()], ['saga', 'saga-steps']);
  assert.equal([sagaInputGroupId('t.'), stepDispatcherGroupId('t.')], ['t.saga', 't.saga-steps']);
});

naming('the decider options come from the settings', () => {
  assert.equal(sagaOptionsOf({ sagaPaymentTimeoutMs: 1_500, sagaMaxAttempts: 2, sagaRetryBaseMs: 20 }), {
    paymentTimeoutMs: 1_500,
    maxAttempts: 2,
    retryBaseMs: 20,
  });
});

envelopes.run();
naming.run();

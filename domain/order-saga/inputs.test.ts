import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { DomainEvent } from '../domain-event.ts';
import { inputs } from './examples.ts';
import { observedDomainEventTypes, sagaInputOf, sagaInputTypes } from './inputs.ts';

const metadata = { commandId: 'event-1', now: '2025-01-01T10:00:00.000Z' };
const mapping = suite('domain events as saga inputs');

mapping('an observed domain event becomes the input of its order saga, data unchanged', () => {
  const { type, data } = inputs.reserved('sku-a');
  const event = { type, data } as DomainEvent;
  assert.equal(sagaInputOf(event, metadata), { orderId: 'o1', input: { type, data, metadata } });
});

mapping('events the saga does not react to are ignored', () => {
  const registered: DomainEvent = {
    type: 'SkuRegistered',
    data: { sku: 'sku-a', name: 'Mug', unitPrice: 100, initialStock: 1, onHand: 1, available: 1 },
  };
  assert.is(sagaInputOf(registered, metadata), undefined);
  assert.not.ok(observedDomainEventTypes.includes('PaymentRequested' as never));
});

mapping('the input types are the observed events plus step outcomes, deadlines and operator requests', () => {
  assert.is(observedDomainEventTypes.length, 13);
  assert.equal(sagaInputTypes.slice(13), [
    'StepSucceeded',
    'StepFailed',
    'StepsExecuted',
    'DeadlineReached',
    'RetryRequested',
    'CompensationRequested',
  ]);
});

mapping.run();

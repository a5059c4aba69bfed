import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fold } from '../../domain/decider.ts';
import { sagaDecider } from '../../domain/order-saga/decider.ts';
import { inputs, sagaHistory } from '../../domain/order-saga/examples.ts';
import { isStepPending, outcomeInput } from './step-dispatcher.ts';

const stateAfter = (steps: Parameters<typeof sagaHistory>[0]) => fold(sagaDecider, sagaHistory(steps));

const pending = suite('isStepPending');

pending('a scheduled attempt without an outcome is pending', () => {
  assert.ok(isStepPending(stateAfter([inputs.placed()]), 'reserve:sku-a', 'reserve:sku-a#1'));
});

pending('an attempt with an outcome, a superseded attempt or an unknown step is not', () => {
  const afterOutcome = stateAfter([inputs.placed(), inputs.succeeded('reserve:sku-a#1')]);
  assert.not.ok(isStepPending(afterOutcome, 'reserve:sku-a', 'reserve:sku-a#1'));
  const retried = stateAfter([
    inputs.placed(),
    inputs.failed('reserve:sku-a#1', { transient: true }),
    inputs.retryDeadline('reserve:sku-a#1'),
  ]);
  assert.not.ok(isStepPending(retried, 'reserve:sku-a', 'reserve:sku-a#1'), 'the first attempt was superseded');
  assert.ok(isStepPending(retried, 'reserve:sku-a', 'reserve:sku-a#2'));
  assert.not.ok(isStepPending(retried, 'authorize-payment', 'authorize-payment#1'));
  assert.not.ok(isStepPending(fold(sagaDecider, []), 'reserve:sku-a', 'reserve:sku-a#1'), 'no saga');
});

pending('a retry dropped because the saga compensates is not pending', () => {
  const compensating = stateAfter([
    inputs.placed(),
    inputs.failed('reserve:sku-a#1', { transient: true }),
    inputs.rejected('sku-b'),
  ]);
  assert.not.ok(isStepPending(compensating, 'reserve:sku-a', 'reserve:sku-a#1'));
  assert.ok(isStepPending(compensating, 'reserve:sku-c', 'reserve:sku-c#1'), 'in flight steps still run');
});

const outcomes = suite('outcomeInput');
const metadata = { commandId: 'outcome:reserve:sku-a#1', now: '2025-01-01T10:00:00.000Z' };

outcomes('success and failure become the saga inputs of that attempt', () => {
  assert.equal(outcomeInput('reserve:sku-a#1', { ok: true }, metadata), {
    type: 'StepSucceeded',
    data: { stepId: 'reserve:sku-a#1' },
    metadata,
  });
  assert.equal(
    outcomeInput('reserve:sku-a#1', { ok: false, error: 'gone', rule: 'not_found', transient: false }, metadata),
    {
      type: 'StepFailed',
      data: { stepId: 'reserve:sku-a#1', error: 'gone', rule: 'not_found', transient: false },
      metadata,
    },
  );
  assert.equal(outcomeInput('reserve:sku-a#1', { ok: false, error: 'boom', transient: true }, metadata).data, {
    stepId: 'reserve:sku-a#1',
    error: 'boom',
    transient: true,
  });
});

pending.run();
outcomes.run();

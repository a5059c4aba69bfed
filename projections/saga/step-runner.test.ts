import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fold } from '../../domain/decider.ts';
import { sagaDecider } from '../../domain/order-saga/decider.ts';
import { inputs, sagaHistory } from '../../domain/order-saga/examples.ts';
import { isStepPending, reportsCommandId, runsItsOwnSteps } from './step-runner.ts';

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

const ownership = suite("who executes a decision's steps");

ownership('the runner that fed an input or a round of reports executes their steps; the dispatcher the rest', () => {
  assert.ok(runsItsOwnSteps('in:event-1'));
  assert.ok(runsItsOwnSteps(reportsCommandId('reserve:sku-a#1')));
  assert.not.ok(runsItsOwnSteps('deadline:saga-o1:retry:reserve:sku-a#1'), 'a deadline that fired');
  assert.not.ok(runsItsOwnSteps('retry:request-1'), 'an operator retry');
  assert.not.ok(runsItsOwnSteps('compensate:request-1'), 'an operator compensation');
  assert.not.ok(runsItsOwnSteps(undefined), 'a record without causation');
});

ownership('a round of reports is named by the first step it reports', () => {
  assert.is(reportsCommandId('reserve:sku-a#1'), 'steps:reserve:sku-a#1');
});

pending.run();
ownership.run();

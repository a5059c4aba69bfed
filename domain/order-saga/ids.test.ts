import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  orderIdOfSagaStream,
  parseSagaStepId,
  paymentDeadlineId,
  retryDeadlineId,
  sagaCommandId,
  sagaStepId,
  sagaStreamId,
} from './ids.ts';

const ids = suite('saga ids');

ids('stream, command and step ids derive from the order and the step', () => {
  assert.is(sagaStreamId('o1'), 'saga-o1');
  assert.is(orderIdOfSagaStream('saga-o1'), 'o1');
  assert.is(orderIdOfSagaStream('order-o1'), undefined);
  assert.is(orderIdOfSagaStream('saga-'), undefined);
  assert.is(sagaCommandId('o1', 'reserve:sku-a'), 'saga-o1:reserve:sku-a');
  assert.is(sagaStepId('reserve:sku-a', 2), 'reserve:sku-a#2');
  assert.equal(parseSagaStepId('reserve:sku-a#2'), { step: 'reserve:sku-a', attempt: 2 });
  assert.is(parseSagaStepId('reserve:sku-a'), undefined);
  assert.is(parseSagaStepId('#1'), undefined);
  assert.is(parseSagaStepId('capture-payment#0'), undefined);
});

ids('deadline ids are unique across sagas', () => {
  assert.is(paymentDeadlineId('o1'), 'saga-o1:payment');
  assert.is(retryDeadlineId('o1', 'reserve:sku-a#1'), 'saga-o1:retry:reserve:sku-a#1');
});

ids.run();

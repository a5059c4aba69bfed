import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fold } from '../decider.ts';
import { createSagaDecider, sagaDecider } from './decider.ts';
import { inputs, sagaHistory, skus, untilAuthorized, untilCompleted } from './examples.ts';
import { expected as e, paymentDueAt, sagaSpec } from './specs.ts';

const spec = sagaSpec();
const reservingAll = () => [inputs.placed(), ...skus.map((sku) => inputs.reserved(sku))];

const happy = suite('happy path');

happy('OrderPlaced starts the saga and reserves every line at once', () => {
  spec
    .given([])
    .when(inputs.placed())
    .then([
      e.started(),
      e.scheduled('reserve:sku-a#1'),
      e.scheduled('reserve:sku-b#1'),
      e.scheduled('reserve:sku-c#1'),
    ]);
});

happy('a reserved line is recorded; the payment waits for the others', () => {
  spec
    .given(sagaHistory([inputs.placed()]))
    .when(inputs.reserved('sku-b'))
    .then([e.lineReserved('sku-b')]);
});

happy('once every line is reserved the payment is authorized under a deadline', () => {
  spec
    .given(sagaHistory([inputs.placed(), inputs.reserved('sku-a'), inputs.reserved('sku-b')]))
    .when(inputs.reserved('sku-c'))
    .then([
      e.lineReserved('sku-c'),
      e.paymentDeadlineSet(paymentDueAt),
      e.scheduled('authorize-payment#1', { deadlineAt: paymentDueAt }),
    ]);
});

happy('the payment deadline comes from the factory option', () => {
  sagaSpec(createSagaDecider({ paymentTimeoutMs: 5_000 }))
    .given(sagaHistory([inputs.placed(), inputs.reserved('sku-a'), inputs.reserved('sku-b')]))
    .when(inputs.reserved('sku-c'))
    .then([
      e.lineReserved('sku-c'),
      e.paymentDeadlineSet('2025-01-01T10:00:05.000Z'),
      e.scheduled('authorize-payment#1', { deadlineAt: '2025-01-01T10:00:05.000Z' }),
    ]);
});

happy('an authorization clears the deadline, then confirms, commits every line and captures', () => {
  spec
    .given(sagaHistory(reservingAll()))
    .when(inputs.authorized())
    .then([
      e.paymentAuthorized(),
      e.paymentDeadlineCleared('obsolete'),
      e.scheduled('confirm-order#1'),
      e.scheduled('commit:sku-a#1'),
      e.scheduled('commit:sku-b#1'),
      e.scheduled('commit:sku-c#1'),
      e.scheduled('capture-payment#1'),
    ]);
});

happy('each outcome is recorded until the last one completes the saga', () => {
  const history = sagaHistory([...untilAuthorized(), inputs.confirmed(), inputs.committed('sku-a')]);
  spec.given(history).when(inputs.captured()).then([e.paymentCaptured()]);
  spec
    .given(sagaHistory([...untilAuthorized(), inputs.confirmed(), ...skus.map((sku) => inputs.committed(sku))]))
    .when(inputs.captured())
    .then([e.paymentCaptured(), e.completed()]);
  spec
    .given(sagaHistory([...untilAuthorized(), inputs.captured(), ...skus.map((sku) => inputs.committed(sku))]))
    .when(inputs.confirmed())
    .then([e.orderConfirmed(), e.completed()]);
});

happy('a step reported done by the dispatcher is recorded', () => {
  spec
    .given(sagaHistory([inputs.placed()]))
    .when(inputs.succeeded('reserve:sku-a#1'))
    .then([e.succeeded('reserve:sku-a#1')]);
});

happy('folding the saga events alone rebuilds the state', () => {
  const state = fold(sagaDecider, sagaHistory(untilCompleted()));
  assert.is(state.status, 'completed');
  if (state.status === 'not_started') return;
  assert.equal(
    state.lines.map((line) => line.status),
    ['committed', 'committed', 'committed'],
  );
  assert.is(state.paymentStatus, 'captured');
  assert.is(state.orderStatus, 'confirmed');
  assert.equal(state.deadlines, {});
  assert.equal(Object.keys(state.steps), [
    'reserve:sku-a',
    'reserve:sku-b',
    'reserve:sku-c',
    'authorize-payment',
    'confirm-order',
    'commit:sku-a',
    'commit:sku-b',
    'commit:sku-c',
    'capture-payment',
  ]);
});

const repeats = suite('repeated and unrelated inputs');

repeats('an observation already recorded decides nothing', () => {
  spec.given(sagaHistory(reservingAll())).when(inputs.reserved('sku-a')).then([]);
  spec.given(sagaHistory(untilAuthorized())).when(inputs.authorized()).then([]);
  spec.given(sagaHistory(untilCompleted())).when(inputs.confirmed()).then([]);
  spec.given(sagaHistory(untilCompleted())).when(inputs.committed('sku-b')).then([]);
});

repeats('a second OrderPlaced does not start the saga again', () => {
  spec
    .given(sagaHistory([inputs.placed()]))
    .when(inputs.placed())
    .then([]);
});

repeats('a step outcome for an unknown, finished or earlier attempt decides nothing', () => {
  const history = sagaHistory([inputs.placed(), inputs.succeeded('reserve:sku-a#1')]);
  spec.given(history).when(inputs.succeeded('reserve:sku-a#1')).then([]);
  spec
    .given(history)
    .when(inputs.failed('reserve:sku-a#1', { transient: true }))
    .then([]);
  spec.given(history).when(inputs.succeeded('reserve:sku-z#1')).then([]);
  spec.given(history).when(inputs.succeeded('reserve:sku-b#2')).then([]);
  spec.given(history).when(inputs.succeeded('not a step id')).then([]);
});

repeats('a deadline that was cleared or already fired decides nothing', () => {
  spec.given(sagaHistory(untilAuthorized())).when(inputs.paymentDeadline()).then([]);
  spec
    .given(sagaHistory([...reservingAll(), inputs.paymentDeadline()]))
    .when(inputs.paymentDeadline())
    .then([]);
  spec
    .given(sagaHistory([inputs.placed()]))
    .when(inputs.retryDeadline('reserve:sku-a#1'))
    .then([]);
});

repeats('inputs for an order without a saga decide nothing', () => {
  spec.given([]).when(inputs.released('sku-a')).then([]);
  spec.given([]).when(inputs.authorized()).then([]);
  spec.given([]).when(inputs.succeeded('reserve:sku-a#1')).then([]);
  spec.given([]).when(inputs.paymentDeadline()).then([]);
});

repeats('an operator request for an order without a saga is 404', () => {
  spec.given([]).when(inputs.retryRequested()).thenThrows('not_found');
  spec.given([]).when(inputs.compensationRequested()).thenThrows('not_found');
});

repeats('an event of another order decides nothing', () => {
  const reserved = inputs.reserved('sku-a');
  const other = { ...reserved, data: { ...reserved.data, orderId: 'o2' } };
  spec
    .given(sagaHistory([inputs.placed()]))
    .when(other)
    .then([]);
});

repeats('a malformed clock is refused (400)', () => {
  spec
    .given(sagaHistory([inputs.placed()]))
    .when(inputs.reserved('sku-a', 'yesterday'))
    .thenThrows('validation', ['metadata.now']);
});

happy.run();
repeats.run();

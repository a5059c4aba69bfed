import { suite } from 'uvu';
import { createSagaDecider } from './decider.ts';
import { inputs, sagaHistory, skus, untilCompleted } from './examples.ts';
import type { SagaInput } from './inputs.ts';
import { expected as e, paymentDueAt, sagaSpec } from './specs.ts';

const spec = sagaSpec();
const at = (ms: number) => new Date(Date.parse('2025-01-01T10:00:00.000Z') + ms).toISOString();
const reservingAll = (): SagaInput[] => [inputs.placed(), ...skus.map((sku) => inputs.reserved(sku))];
const timeout = { error: 'timeout', transient: true };

/** Attempts 1..n of reserving sku-a fail transiently, each retried when its deadline comes. */
const failingReservations = (attempts: number): SagaInput[] =>
  Array.from({ length: attempts }, (_, index) => [
    inputs.failed(`reserve:sku-a#${index + 1}`, timeout),
    inputs.retryDeadline(`reserve:sku-a#${index + 1}`),
  ]).flat();

const retry = suite('transient failures');

retry('a transient failure sets a retry deadline', () => {
  spec
    .given(sagaHistory([inputs.placed()]))
    .when(inputs.failed('reserve:sku-a#1', timeout))
    .then([
      e.failed('reserve:sku-a#1', { ...timeout, retryAt: at(200) }),
      e.retryDeadlineSet('reserve:sku-a#1', at(200)),
    ]);
});

retry('the retry deadline schedules the next attempt of the same command, once', () => {
  const failed = sagaHistory([inputs.placed(), inputs.failed('reserve:sku-a#1', timeout)]);
  spec
    .given(failed)
    .when(inputs.retryDeadline('reserve:sku-a#1', at(200)))
    .then([
      e.retryDeadlineCleared('reserve:sku-a#1', 'reached', at(200)),
      e.scheduled('reserve:sku-a#2', { at: at(200) }),
    ]);
  const retried = sagaHistory([inputs.placed(), ...failingReservations(1)]);
  spec.given(retried).when(inputs.retryDeadline('reserve:sku-a#1')).then([]);
  spec.given(retried).when(inputs.failed('reserve:sku-a#1', timeout)).then([]);
  spec
    .given(retried)
    .when(inputs.succeeded('reserve:sku-a#2'))
    .then([e.succeeded('reserve:sku-a#2')]);
});

retry('a failure reported again while its retry waits decides nothing', () => {
  spec
    .given(sagaHistory([inputs.placed(), inputs.failed('reserve:sku-a#1', timeout)]))
    .when(inputs.failed('reserve:sku-a#1', timeout))
    .then([]);
});

retry('the delay doubles per attempt up to the maximum', () => {
  const decider = createSagaDecider({ retryBaseMs: 100, retryMaxMs: 300 });
  const history = (attempts: number) =>
    sagaHistory([inputs.placed(), ...failingReservations(attempts)], { retryBaseMs: 100, retryMaxMs: 300 });
  sagaSpec(decider)
    .given(history(1))
    .when(inputs.failed('reserve:sku-a#2', timeout))
    .then([
      e.failed('reserve:sku-a#2', { ...timeout, retryAt: at(200) }),
      e.retryDeadlineSet('reserve:sku-a#2', at(200)),
    ]);
  sagaSpec(decider)
    .given(history(2))
    .when(inputs.failed('reserve:sku-a#3', timeout))
    .then([
      e.failed('reserve:sku-a#3', { ...timeout, retryAt: at(300) }),
      e.retryDeadlineSet('reserve:sku-a#3', at(300)),
    ]);
});

retry('the authorization retried keeps the payment deadline', () => {
  spec
    .given(sagaHistory([...reservingAll(), inputs.failed('authorize-payment#1', timeout)]))
    .when(inputs.retryDeadline('authorize-payment#1'))
    .then([
      e.retryDeadlineCleared('authorize-payment#1', 'reached'),
      e.scheduled('authorize-payment#2', { deadlineAt: paymentDueAt }),
    ]);
});

retry('compensation drops forward steps waiting for a retry', () => {
  spec
    .given(sagaHistory([...reservingAll(), inputs.failed('authorize-payment#1', timeout)]))
    .when(inputs.paymentDeadline())
    .then([
      e.paymentDeadlineCleared('reached'),
      e.compensationStarted('payment_timeout'),
      e.abandoned('authorize-payment#1'),
      e.retryDeadlineCleared('authorize-payment#1', 'obsolete'),
      e.scheduled('void-payment#1', { reason: 'payment_timeout' }),
      e.scheduled('release:sku-a#1'),
      e.scheduled('release:sku-b#1'),
      e.scheduled('release:sku-c#1'),
      e.scheduled('cancel-order#1', { reason: 'payment_timeout' }),
    ]);
});

retry('compensation steps are retried too', () => {
  spec
    .given(sagaHistory([...reservingAll(), inputs.declined()]))
    .when(inputs.failed('release:sku-b#1', timeout))
    .then([
      e.failed('release:sku-b#1', { ...timeout, retryAt: at(200) }),
      e.retryDeadlineSet('release:sku-b#1', at(200)),
    ]);
});

const stuck = suite('stuck');

stuck('the last allowed attempt failing leaves the saga stuck', () => {
  spec
    .given(sagaHistory([inputs.placed(), ...failingReservations(4)]))
    .when(inputs.failed('reserve:sku-a#5', timeout))
    .then([e.failed('reserve:sku-a#5', timeout), e.stuck('reserve:sku-a#5', 'timeout')]);
  sagaSpec(createSagaDecider({ maxAttempts: 2 }))
    .given(sagaHistory([inputs.placed(), ...failingReservations(1)], { maxAttempts: 2 }))
    .when(inputs.failed('reserve:sku-a#2', timeout))
    .then([e.failed('reserve:sku-a#2', timeout), e.stuck('reserve:sku-a#2', 'timeout')]);
});

stuck('a refusal the saga has no answer for leaves it stuck', () => {
  const refused = { error: 'payment of order o1 is Requested', rule: 'payment_not_authorized', transient: false };
  spec
    .given(sagaHistory([...reservingAll(), inputs.authorized()]))
    .when(inputs.failed('capture-payment#1', refused))
    .then([e.failed('capture-payment#1', refused), e.stuck('capture-payment#1', refused.error)]);
});

const stuckOnA = (): SagaInput[] => [
  inputs.placed(),
  inputs.reserved('sku-b'),
  inputs.reserved('sku-c'),
  inputs.failed('reserve:sku-a#1', { error: 'boom', transient: false }),
];

stuck('a stuck saga records what it observes but schedules nothing new', () => {
  spec
    .given(sagaHistory(stuckOnA()))
    .when(inputs.reserved('sku-a'))
    .then([e.lineReserved('sku-a')]);
});

stuck('RetryRequested resumes: the stuck step gets another attempt, then the saga catches up', () => {
  spec
    .given(sagaHistory([...stuckOnA(), inputs.reserved('sku-a')]))
    .when(inputs.retryRequested())
    .then([
      e.resumed(),
      e.scheduled('reserve:sku-a#2'),
      e.paymentDeadlineSet(),
      e.scheduled('authorize-payment#1', { deadlineAt: paymentDueAt }),
    ]);
});

stuck('RetryRequested resumes a compensation stuck on an undo step', () => {
  const history = sagaHistory([
    ...reservingAll(),
    inputs.declined(),
    inputs.failed('release:sku-a#1', { transient: false }),
  ]);
  spec
    .given(history)
    .when(inputs.retryRequested())
    .then([e.resumed(), e.scheduled('release:sku-a#2')]);
});

stuck('a customer cancellation compensates a stuck saga', () => {
  spec
    .given(sagaHistory(stuckOnA()))
    .when(inputs.cancelled('pending'))
    .then([
      e.orderCancelled(),
      e.compensationStarted('customer_request', 'customer_request'),
      e.scheduled('release:sku-a#1'),
      e.scheduled('release:sku-b#1'),
      e.scheduled('release:sku-c#1'),
    ]);
});

stuck('RetryRequested on a saga that is not stuck is refused (422)', () => {
  spec
    .given(sagaHistory([inputs.placed()]))
    .when(inputs.retryRequested())
    .thenThrows('saga_not_stuck');
  spec.given(sagaHistory(untilCompleted())).when(inputs.retryRequested()).thenThrows('saga_not_stuck');
});

retry.run();
stuck.run();

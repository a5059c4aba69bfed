import { suite } from 'uvu';
import { inputs, sagaHistory, skus, untilAuthorized } from './examples.ts';
import type { ObservedSagaInput } from './inputs.ts';
import { expected as e, paymentDueAt, sagaSpec } from './specs.ts';

/**
 * `StepsExecuted`: the runner that stored a decision executes its steps at once and reports them together,
 * each success with the domain events its commands recorded. One decision records the outcomes, what they
 * caused, and what follows; the same events as the outcomes and the domain events fed one by one.
 */
const spec = sagaSpec();
const reports = suite('step reports');
const ok = (stepId: string, ...caused: ObservedSagaInput[]) => ({ stepId, ok: true as const, caused });

reports('reservations reported with their StockReserved: lines reserved, the payment authorized next', () => {
  spec
    .given(sagaHistory([inputs.placed()]))
    .when(
      inputs.executed([
        ok('reserve:sku-a#1', inputs.reserved('sku-a')),
        ok('reserve:sku-b#1', inputs.reserved('sku-b')),
        ok('reserve:sku-c#1', inputs.reserved('sku-c')),
      ]),
    )
    .then([
      e.succeeded('reserve:sku-a#1'),
      e.lineReserved('sku-a'),
      e.succeeded('reserve:sku-b#1'),
      e.lineReserved('sku-b'),
      e.succeeded('reserve:sku-c#1'),
      e.lineReserved('sku-c'),
      e.paymentDeadlineSet(paymentDueAt),
      e.scheduled('authorize-payment#1', { deadlineAt: paymentDueAt }),
    ]);
});

reports('a rejection reported as what the reservation caused starts compensation in the same decision', () => {
  spec
    .given(sagaHistory([inputs.placed()]))
    .when(
      inputs.executed([
        ok('reserve:sku-a#1', inputs.reserved('sku-a')),
        ok('reserve:sku-b#1', inputs.rejected('sku-b')),
        { stepId: 'reserve:sku-c#1', ok: false, error: 'timeout', transient: true },
      ]),
    )
    .then([
      e.succeeded('reserve:sku-a#1'),
      e.lineReserved('sku-a'),
      e.succeeded('reserve:sku-b#1'),
      e.lineRejected('sku-b', 'out_of_stock'),
      e.compensationStarted('out_of_stock', 'sku-b'),
      e.failed('reserve:sku-c#1', { error: 'timeout', transient: true }),
      e.scheduled('release:sku-a#1'),
      e.scheduled('release:sku-c#1'),
      e.scheduled('cancel-order#1', { reason: 'out_of_stock' }),
    ]);
});

reports('the last round completes the saga: confirmed, committed and captured reported together', () => {
  spec
    .given(sagaHistory(untilAuthorized()))
    .when(
      inputs.executed([
        ok('confirm-order#1', inputs.confirmed()),
        ...skus.map((sku) => ok(`commit:${sku}#1`, inputs.committed(sku))),
        ok('capture-payment#1', inputs.captured()),
      ]),
    )
    .then([
      e.succeeded('confirm-order#1'),
      e.orderConfirmed(),
      ...skus.flatMap((sku) => [e.succeeded(`commit:${sku}#1`), e.lineCommitted(sku)]),
      e.succeeded('capture-payment#1'),
      e.paymentCaptured(),
      e.completed(),
    ]);
});

reports('reports already recorded, or events the saga already observed, decide nothing', () => {
  const reserved = sagaHistory([inputs.placed(), inputs.executed([ok('reserve:sku-a#1', inputs.reserved('sku-a'))])]);
  spec
    .given(reserved)
    .when(inputs.executed([ok('reserve:sku-a#1', inputs.reserved('sku-a'))]))
    .then([]);
  spec.given(reserved).when(inputs.reserved('sku-a')).then([]);
  spec.given(reserved).when(inputs.executed([])).then([]);
});

reports('a report for an attempt that is no longer in flight is ignored, what it caused still counts', () => {
  const retried = sagaHistory([
    inputs.placed(),
    inputs.failed('reserve:sku-a#1', { transient: true }),
    inputs.retryDeadline('reserve:sku-a#1'),
  ]);
  spec
    .given(retried)
    .when(inputs.executed([ok('reserve:sku-a#1', inputs.reserved('sku-a'))]))
    .then([e.lineReserved('sku-a')]);
});

reports('events of another order in a report are ignored', () => {
  const otherOrder = { ...inputs.reserved('sku-a'), data: { ...inputs.reserved('sku-a').data, orderId: 'o2' } };
  spec
    .given(sagaHistory([inputs.placed()]))
    .when(inputs.executed([ok('reserve:sku-a#1', otherOrder)]))
    .then([e.succeeded('reserve:sku-a#1')]);
});

reports('reports for an order without a saga decide nothing', () => {
  spec
    .given([])
    .when(inputs.executed([ok('reserve:sku-a#1', inputs.reserved('sku-a'))]))
    .then([]);
});

reports.run();

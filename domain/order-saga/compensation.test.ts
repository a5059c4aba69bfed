import { suite } from 'uvu';
import { inputs, sagaHistory, skus, untilAuthorized, untilCompleted } from './examples.ts';
import type { SagaInput } from './inputs.ts';
import { expected as e, sagaSpec } from './specs.ts';

const spec = sagaSpec();
const reservingAll = (): SagaInput[] => [inputs.placed(), ...skus.map((sku) => inputs.reserved(sku))];
const releasedAll = (): SagaInput[] => skus.map((sku) => inputs.released(sku));

const outOfStock = suite('a line out of stock');

outOfStock('releases what is reserved and cancels the order', () => {
  spec
    .given(sagaHistory([inputs.placed(), inputs.reserved('sku-a')]))
    .when(inputs.rejected('sku-b'))
    .then([
      e.lineRejected('sku-b', 'out_of_stock'),
      e.compensationStarted('out_of_stock', 'sku-b'),
      e.scheduled('release:sku-a#1'),
      e.scheduled('cancel-order#1', { reason: 'out_of_stock' }),
    ]);
});

const afterRejection = () => [inputs.placed(), inputs.reserved('sku-a'), inputs.rejected('sku-b')];

outOfStock('releases a line whose reservation arrives while compensating', () => {
  spec
    .given(sagaHistory(afterRejection()))
    .when(inputs.reserved('sku-c'))
    .then([e.lineReserved('sku-c'), e.scheduled('release:sku-c#1')]);
});

outOfStock('is compensated once the order is cancelled and no line holds stock', () => {
  const history = sagaHistory([
    ...afterRejection(),
    inputs.reserved('sku-c'),
    inputs.released('sku-a'),
    inputs.cancelled('pending', 'out_of_stock'),
  ]);
  spec
    .given(history)
    .when(inputs.released('sku-c'))
    .then([e.lineReleased('sku-c'), e.compensated()]);
});

outOfStock('waits for a line whose reservation is still pending', () => {
  spec
    .given(sagaHistory([...afterRejection(), inputs.released('sku-a')]))
    .when(inputs.cancelled('pending', 'out_of_stock'))
    .then([e.orderCancelled('out_of_stock')]);
  spec
    .given(sagaHistory([...afterRejection(), inputs.released('sku-a'), inputs.cancelled('pending', 'out_of_stock')]))
    .when(inputs.rejected('sku-c'))
    .then([e.lineRejected('sku-c', 'out_of_stock'), e.compensated()]);
});

outOfStock('an unknown SKU is out of stock', () => {
  spec
    .given(sagaHistory([inputs.placed(), inputs.reserved('sku-a')]))
    .when(
      inputs.failed('reserve:sku-b#1', { error: 'SKU sku-b is not registered', rule: 'not_found', transient: false }),
    )
    .then([
      e.failed('reserve:sku-b#1', { error: 'SKU sku-b is not registered', rule: 'not_found', transient: false }),
      e.lineRejected('sku-b', 'unknown_sku'),
      e.compensationStarted('out_of_stock', 'sku-b'),
      e.scheduled('release:sku-a#1'),
      e.scheduled('cancel-order#1', { reason: 'out_of_stock' }),
    ]);
});

const payment = suite('payment declined or timed out');

payment('a decline releases every line and cancels the order', () => {
  spec
    .given(sagaHistory(reservingAll()))
    .when(inputs.declined())
    .then([
      e.paymentDeclined(),
      e.paymentDeadlineCleared('obsolete'),
      e.compensationStarted('payment_declined', 'declined'),
      e.scheduled('release:sku-a#1'),
      e.scheduled('release:sku-b#1'),
      e.scheduled('release:sku-c#1'),
      e.scheduled('cancel-order#1', { reason: 'payment_declined' }),
    ]);
  spec
    .given(sagaHistory([...reservingAll(), inputs.declined(), ...releasedAll()]))
    .when(inputs.cancelled('pending', 'payment_declined'))
    .then([e.orderCancelled('payment_declined'), e.compensated()]);
});

const timedOut = () => [...reservingAll(), inputs.paymentDeadline()];

payment('the deadline voids the payment, releases every line and cancels the order', () => {
  spec
    .given(sagaHistory(reservingAll()))
    .when(inputs.paymentDeadline())
    .then([
      e.paymentDeadlineCleared('reached'),
      e.compensationStarted('payment_timeout'),
      e.scheduled('void-payment#1', { reason: 'payment_timeout' }),
      e.scheduled('release:sku-a#1'),
      e.scheduled('release:sku-b#1'),
      e.scheduled('release:sku-c#1'),
      e.scheduled('cancel-order#1', { reason: 'payment_timeout' }),
    ]);
});

payment('a late authorization is voided by the void already on its way', () => {
  spec.given(sagaHistory(timedOut())).when(inputs.authorized()).then([e.paymentAuthorized()]);
  spec
    .given(
      sagaHistory([
        ...timedOut(),
        inputs.authorized(),
        ...releasedAll(),
        inputs.cancelled('pending', 'payment_timeout'),
      ]),
    )
    .when(inputs.voided())
    .then([e.paymentVoided(), e.compensated()]);
});

payment('a late authorization after a void that found no payment is voided again', () => {
  const voidFoundNothing = inputs.failed('void-payment#1', {
    error: 'no payment',
    rule: 'not_found',
    transient: false,
  });
  spec
    .given(sagaHistory(timedOut()))
    .when(voidFoundNothing)
    .then([e.failed('void-payment#1', { error: 'no payment', rule: 'not_found', transient: false })]);
  spec
    .given(sagaHistory([...timedOut(), voidFoundNothing]))
    .when(inputs.authorized())
    .then([e.paymentAuthorized(), e.scheduled('void-payment#2', { reason: 'payment_timeout' })]);
});

payment('a void that found no payment leaves nothing held', () => {
  const voidFoundNothing = inputs.failed('void-payment#1', { rule: 'not_found', transient: false });
  spec
    .given(sagaHistory([...timedOut(), voidFoundNothing, ...releasedAll()]))
    .when(inputs.cancelled('pending', 'payment_timeout'))
    .then([e.orderCancelled('payment_timeout'), e.compensated()]);
});

const customer = suite('the customer cancels');

customer('a pending order while the payment is authorized: void and release, no cancel step', () => {
  spec
    .given(sagaHistory(reservingAll()))
    .when(inputs.cancelled('pending'))
    .then([
      e.orderCancelled(),
      e.compensationStarted('customer_request', 'customer_request'),
      e.paymentDeadlineCleared('obsolete'),
      e.scheduled('void-payment#1', { reason: 'customer_request' }),
      e.scheduled('release:sku-a#1'),
      e.scheduled('release:sku-b#1'),
      e.scheduled('release:sku-c#1'),
    ]);
  spec
    .given(sagaHistory([...reservingAll(), inputs.cancelled('pending'), inputs.voided(), inputs.released('sku-a')]))
    .when(inputs.released('sku-b'))
    .then([e.lineReleased('sku-b')]);
  spec
    .given(sagaHistory([...reservingAll(), inputs.cancelled('pending'), inputs.voided(), ...releasedAll().slice(0, 2)]))
    .when(inputs.released('sku-c'))
    .then([e.lineReleased('sku-c'), e.compensated()]);
});

customer('a pending order while reserving: releases each line as its reservation is known', () => {
  spec
    .given(sagaHistory([inputs.placed(), inputs.reserved('sku-a')]))
    .when(inputs.cancelled('pending'))
    .then([
      e.orderCancelled(),
      e.compensationStarted('customer_request', 'customer_request'),
      e.scheduled('release:sku-a#1'),
    ]);
  spec
    .given(sagaHistory([inputs.placed(), inputs.reserved('sku-a'), inputs.cancelled('pending')]))
    .when(inputs.reserved('sku-b'))
    .then([e.lineReserved('sku-b'), e.scheduled('release:sku-b#1')]);
});

customer('a confirmed order after completion: refund and restock every line', () => {
  spec
    .given(sagaHistory(untilCompleted()))
    .when(inputs.cancelled('confirmed'))
    .then([
      e.orderCancelled('customer_request', 'confirmed'),
      e.compensationStarted('customer_request', 'customer_request'),
      e.scheduled('refund-payment#1', { reason: 'customer_request' }),
      e.scheduled('return:sku-a#1'),
      e.scheduled('return:sku-b#1'),
      e.scheduled('return:sku-c#1'),
    ]);
  const refunding = [
    ...untilCompleted(),
    inputs.cancelled('confirmed'),
    inputs.returned('sku-a'),
    inputs.returned('sku-b'),
  ];
  spec
    .given(sagaHistory(refunding))
    .when(inputs.returned('sku-c'))
    .then([e.lineReturned('sku-c')]);
  spec
    .given(sagaHistory([...refunding, inputs.returned('sku-c')]))
    .when(inputs.refunded())
    .then([e.paymentRefunded(), e.compensated()]);
});

const confirmRace = suite('confirm-order refused because the customer cancelled');

const cancelledWhileConfirming = () => [
  ...untilAuthorized(),
  inputs.failed('confirm-order#1', { error: 'order o1 is cancelled', rule: 'order_cancelled', transient: false }),
  inputs.cancelled('pending'),
];

confirmRace('the refusal is recorded, not stuck; the cancellation drives compensation', () => {
  spec
    .given(sagaHistory(untilAuthorized()))
    .when(
      inputs.failed('confirm-order#1', { error: 'order o1 is cancelled', rule: 'order_cancelled', transient: false }),
    )
    .then([e.failed('confirm-order#1', { error: 'order o1 is cancelled', rule: 'order_cancelled', transient: false })]);
  spec
    .given(
      sagaHistory([
        ...untilAuthorized(),
        inputs.failed('confirm-order#1', { error: 'order o1 is cancelled', rule: 'order_cancelled', transient: false }),
      ]),
    )
    .when(inputs.cancelled('pending'))
    .then([
      e.orderCancelled(),
      e.compensationStarted('customer_request', 'customer_request'),
      e.scheduled('void-payment#1', { reason: 'customer_request' }),
      e.scheduled('release:sku-a#1'),
      e.scheduled('release:sku-b#1'),
      e.scheduled('release:sku-c#1'),
    ]);
});

confirmRace('a commit that landed first is returned; a capture that landed first is refunded', () => {
  spec
    .given(sagaHistory(cancelledWhileConfirming()))
    .when(inputs.committed('sku-a'))
    .then([e.lineCommitted('sku-a'), e.scheduled('return:sku-a#1')]);
  spec
    .given(sagaHistory(cancelledWhileConfirming()))
    .when(inputs.failed('void-payment#1', { rule: 'payment_already_captured', transient: false }))
    .then([e.failed('void-payment#1', { rule: 'payment_already_captured', transient: false })]);
  spec
    .given(sagaHistory(cancelledWhileConfirming()))
    .when(inputs.captured())
    .then([e.paymentCaptured(), e.scheduled('refund-payment#1', { reason: 'customer_request' })]);
});

confirmRace('forward steps that fail while compensating are recorded, never retried', () => {
  spec
    .given(sagaHistory(cancelledWhileConfirming()))
    .when(inputs.failed('commit:sku-b#1', { rule: 'no_reservation', transient: false }))
    .then([e.failed('commit:sku-b#1', { rule: 'no_reservation', transient: false })]);
  spec
    .given(sagaHistory(cancelledWhileConfirming()))
    .when(inputs.failed('capture-payment#1', { transient: true }))
    .then([e.failed('capture-payment#1', { transient: true })]);
});

confirmRace('a gateway that did not answer in time is left to the payment deadline', () => {
  const noAnswer = { error: 'no answer within 10000 ms', rule: 'gateway_no_answer', transient: false };
  spec
    .given(sagaHistory(reservingAll()))
    .when(inputs.failed('authorize-payment#1', noAnswer))
    .then([e.failed('authorize-payment#1', noAnswer)]);
});

const operator = suite('CompensationRequested');

operator('compensates a running saga and cancels the order as compensated', () => {
  spec
    .given(sagaHistory([inputs.placed(), inputs.reserved('sku-a')]))
    .when(inputs.compensationRequested('gateway down'))
    .then([
      e.compensationStarted('operator_request', 'gateway down'),
      e.scheduled('release:sku-a#1'),
      e.scheduled('cancel-order#1', { reason: 'compensated' }),
    ]);
  spec
    .given(sagaHistory(reservingAll()))
    .when(inputs.compensationRequested('gateway down'))
    .then([
      e.compensationStarted('operator_request', 'gateway down'),
      e.paymentDeadlineCleared('obsolete'),
      e.scheduled('void-payment#1', { reason: 'operator_request' }),
      e.scheduled('release:sku-a#1'),
      e.scheduled('release:sku-b#1'),
      e.scheduled('release:sku-c#1'),
      e.scheduled('cancel-order#1', { reason: 'compensated' }),
    ]);
});

operator('compensates a stuck saga, releasing the line whose reservation never answered', () => {
  const stuck = [inputs.placed(), inputs.reserved('sku-a'), inputs.failed('reserve:sku-b#1', { transient: false })];
  spec
    .given(sagaHistory(stuck))
    .when(inputs.compensationRequested('inventory broken'))
    .then([
      e.compensationStarted('operator_request', 'inventory broken'),
      e.scheduled('release:sku-a#1'),
      e.scheduled('release:sku-b#1'),
      e.scheduled('cancel-order#1', { reason: 'compensated' }),
    ]);
  spec
    .given(sagaHistory([...stuck, inputs.compensationRequested('inventory broken')]))
    .when(inputs.succeeded('release:sku-b#1'))
    .then([e.succeeded('release:sku-b#1'), e.lineReleased('sku-b')]);
});

operator('is refused once finished, compensating, or confirming (422)', () => {
  spec.given(sagaHistory(untilCompleted())).when(inputs.compensationRequested()).thenThrows('saga_already_finished');
  spec
    .given(
      sagaHistory([
        ...reservingAll(),
        inputs.declined(),
        ...releasedAll(),
        inputs.cancelled('pending', 'payment_declined'),
      ]),
    )
    .when(inputs.compensationRequested())
    .thenThrows('saga_already_finished');
  spec
    .given(sagaHistory([...reservingAll(), inputs.declined()]))
    .when(inputs.compensationRequested())
    .thenThrows('saga_already_compensating');
  spec.given(sagaHistory(untilAuthorized())).when(inputs.compensationRequested()).thenThrows('order_confirmed');
});

operator('needs a reason (400)', () => {
  spec
    .given(sagaHistory([inputs.placed()]))
    .when(inputs.compensationRequested(' '))
    .thenThrows('validation', ['reason']);
});

outOfStock.run();
payment.run();
customer.run();
confirmRace.run();
operator.run();

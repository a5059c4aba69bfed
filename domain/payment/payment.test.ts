import { suite } from 'uvu';
import { deciderSpec } from '../testing/decider-spec.ts';
import type { PaymentEvent } from './events.ts';
import { paymentDecider } from './payment-decider.ts';
import { cardAndPoints, paymentCommand as command, paymentNow as now, requestPayment } from './payment-examples.ts';

const spec = deciderSpec(paymentDecider);

const requested: PaymentEvent = {
  type: 'PaymentRequested',
  data: { orderId: 'o1', customerId: 'c1', parts: cardAndPoints, total: 5000, requestedAt: now },
};
const authorized: PaymentEvent = {
  type: 'PaymentAuthorized',
  data: { orderId: 'o1', authorizationId: 'auth_o1', authorizedAt: now },
};
const declined: PaymentEvent = {
  type: 'PaymentDeclined',
  data: { orderId: 'o1', reason: 'declined', declinedAt: now },
};
const captured: PaymentEvent = {
  type: 'PaymentCaptured',
  data: { orderId: 'o1', authorizationId: 'auth_o1', amount: 4000, capturedAt: now },
};
const voided: PaymentEvent = {
  type: 'PaymentVoided',
  data: { orderId: 'o1', reason: 'payment_timeout', voidedAt: now },
};
const refunded: PaymentEvent = {
  type: 'PaymentRefunded',
  data: { orderId: 'o1', authorizationId: 'auth_o1', amount: 4000, reason: 'customer_request', refundedAt: now },
};

const request = suite('RequestPayment');

request('records the plan', () => {
  spec.given([]).when(requestPayment()).then([requested]);
});

request('refuses a second request for the order (409)', () => {
  spec.given([requested]).when(requestPayment()).thenThrows('payment_exists');
});

request('checks fields (400) and plan rules (422)', () => {
  spec
    .given([])
    .when(requestPayment([{ method: 'card', amount: 5000 }], 5000))
    .thenThrows('validation', ['parts[0].token']);
  spec.given([]).when(requestPayment(cardAndPoints, 4000)).thenThrows('payment_total_mismatch');
  spec
    .given([])
    .when(
      requestPayment(
        [
          { method: 'points', amount: 4000 },
          { method: 'coupon', amount: 1000, couponCode: 'C1' },
        ],
        5000,
      ),
    )
    .thenThrows('combined_payment_requires_card');
});

const authorize = suite('RecordAuthorization');

authorize('records the approval of a requested payment', () => {
  spec
    .given([requested])
    .when(command('RecordAuthorization', { authorizationId: 'auth_o1' }))
    .then([authorized]);
});

authorize('recording the same approval again changes nothing', () => {
  spec
    .given([requested, authorized])
    .when(command('RecordAuthorization', { authorizationId: 'auth_o1' }))
    .then([]);
});

authorize('refuses an approval arriving after a void or decline', () => {
  spec
    .given([requested, voided])
    .when(command('RecordAuthorization', { authorizationId: 'auth_o1' }))
    .thenThrows('payment_not_awaiting_authorization');
  spec
    .given([requested, authorized])
    .when(command('RecordAuthorization', { authorizationId: 'auth_other' }))
    .thenThrows('payment_not_awaiting_authorization');
});

authorize('refuses an unknown payment (404)', () => {
  spec
    .given([])
    .when(command('RecordAuthorization', { authorizationId: 'auth_o1' }))
    .thenThrows('not_found');
});

const decline = suite('RecordDecline');

decline('records the decline of a requested payment', () => {
  spec
    .given([requested])
    .when(command('RecordDecline', { reason: 'declined' }))
    .then([declined]);
});

decline('recording a decline again changes nothing', () => {
  spec
    .given([requested, declined])
    .when(command('RecordDecline', { reason: 'declined' }))
    .then([]);
});

decline('refuses a decline of an authorized payment', () => {
  spec
    .given([requested, authorized])
    .when(command('RecordDecline', { reason: 'declined' }))
    .thenThrows('payment_not_awaiting_authorization');
});

const capture = suite('CapturePayment');

capture('captures the gateway part of an authorized payment', () => {
  spec.given([requested, authorized]).when(command('CapturePayment', {})).then([captured]);
});

capture('capturing again changes nothing', () => {
  spec.given([requested, authorized, captured]).when(command('CapturePayment', {})).then([]);
});

capture('refuses anything not authorized', () => {
  spec.given([requested]).when(command('CapturePayment', {})).thenThrows('payment_not_authorized');
  spec.given([requested, voided]).when(command('CapturePayment', {})).thenThrows('payment_not_authorized');
});

const cancel = suite('VoidPayment');

cancel('voids a requested payment', () => {
  spec
    .given([requested])
    .when(command('VoidPayment', { reason: 'payment_timeout' }))
    .then([voided]);
});

cancel('voids an authorized payment, naming the authorization to release', () => {
  spec
    .given([requested, authorized])
    .when(command('VoidPayment', { reason: 'out_of_stock' }))
    .then([
      {
        type: 'PaymentVoided',
        data: { orderId: 'o1', reason: 'out_of_stock', authorizationId: 'auth_o1', voidedAt: now },
      },
    ]);
});

cancel('voiding a voided or declined payment changes nothing', () => {
  spec
    .given([requested, voided])
    .when(command('VoidPayment', { reason: 'again' }))
    .then([]);
  spec
    .given([requested, declined])
    .when(command('VoidPayment', { reason: 'again' }))
    .then([]);
});

cancel('refuses to void a captured payment', () => {
  spec
    .given([requested, authorized, captured])
    .when(command('VoidPayment', { reason: 'out_of_stock' }))
    .thenThrows('payment_already_captured');
  spec
    .given([requested])
    .when(command('VoidPayment', { reason: '' }))
    .thenThrows('validation', ['reason']);
});

const refund = suite('RefundPayment');

refund('refunds a captured payment', () => {
  spec
    .given([requested, authorized, captured])
    .when(command('RefundPayment', { reason: 'customer_request' }))
    .then([refunded]);
});

refund('refunding again changes nothing', () => {
  spec
    .given([requested, authorized, captured, refunded])
    .when(command('RefundPayment', { reason: 'customer_request' }))
    .then([]);
});

refund('refuses a payment that was never captured', () => {
  spec
    .given([requested, authorized])
    .when(command('RefundPayment', { reason: 'customer_request' }))
    .thenThrows('payment_not_captured');
});

request.run();
authorize.run();
decline.run();
capture.run();
cancel.run();
refund.run();

import { assertNever } from '../decider.ts';
import { conflict, notFound, ruleBroken } from '../errors.ts';
import { assertPaymentPlanCovered } from '../payment-plan/payment-accounts.ts';
import { normalizePaymentPart } from '../payment-plan/payment-part.ts';
import { assertPaymentPlanRules } from '../payment-plan/payment-plan-rules.ts';
import { hoursToMilliseconds, millisecondsBetween } from '../time.ts';
import { FieldErrors } from '../validation.ts';
import {
  type CancelOrder,
  type ConfirmOrder,
  isCancellationReason,
  type OrderCommand,
  type PlaceOrder,
} from './commands.ts';
import {
  type OrderCancelled,
  type OrderConfirmed,
  type OrderEvent,
  type OrderPlaced,
  orderCurrency,
} from './events.ts';
import { orderTotal } from './order-line.ts';
import type { OrderState } from './state.ts';

export const customerCancellationWindowHours = 24;

const placeOrder = (command: PlaceOrder, state: OrderState): OrderPlaced[] => {
  const { data } = command;
  // Lines and payment parts are well formed: the command API's request schema checked their fields and ranges.
  if (state.status !== 'Empty') throw conflict(`order ${data.orderId} already exists`, 'order_exists');

  const lines = data.lines.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice }));
  const payment = data.payment.map(normalizePaymentPart);
  const total = orderTotal(lines);
  assertPaymentPlanRules(payment, total);
  assertPaymentPlanCovered(payment, data.context, data.orderId);

  return [
    {
      type: 'OrderPlaced',
      data: {
        orderId: data.orderId,
        customerId: data.customerId,
        lines,
        total,
        currency: orderCurrency,
        payment,
        placedAt: command.metadata.now,
      },
    },
  ];
};

const confirmOrder = (command: ConfirmOrder, state: OrderState): OrderConfirmed[] => {
  switch (state.status) {
    case 'Empty':
      throw notFound(`order ${command.data.orderId} does not exist`);
    case 'Pending':
      return [{ type: 'OrderConfirmed', data: { orderId: state.order.orderId, confirmedAt: command.metadata.now } }];
    case 'Confirmed':
      return [];
    case 'Cancelled':
      throw ruleBroken('order_cancelled', `order ${state.order.orderId} is cancelled and cannot be confirmed`);
    default:
      return assertNever(state);
  }
};

const cancelOrder = (command: CancelOrder, state: OrderState): OrderCancelled[] => {
  const { reason, requestedBy } = command.data;
  new FieldErrors()
    .check(isCancellationReason(reason), 'reason', 'is not a known cancellation reason')
    .throwIfAny('the cancellation is not well formed');

  const cancelled = (previousStatus: 'pending' | 'confirmed', orderId: string): OrderCancelled[] => [
    {
      type: 'OrderCancelled',
      data: {
        orderId,
        reason,
        previousStatus,
        ...(requestedBy === undefined ? {} : { requestedBy }),
        cancelledAt: command.metadata.now,
      },
    },
  ];

  switch (state.status) {
    case 'Empty':
      throw notFound(`order ${command.data.orderId} does not exist`);
    case 'Pending':
      return cancelled('pending', state.order.orderId);
    case 'Confirmed': {
      if (reason !== 'customer_request') {
        throw ruleBroken('order_not_pending', `only a pending order can be cancelled for ${reason}`);
      }
      const sinceConfirmation = millisecondsBetween(state.confirmedAt, command.metadata.now);
      if (sinceConfirmation > hoursToMilliseconds(customerCancellationWindowHours)) {
        throw ruleBroken(
          'cancellation_window_passed',
          `a confirmed order can be cancelled within ${customerCancellationWindowHours} hours of confirmation`,
        );
      }
      return cancelled('confirmed', state.order.orderId);
    }
    case 'Cancelled':
      throw ruleBroken('order_already_cancelled', `order ${state.order.orderId} is already cancelled`);
    default:
      return assertNever(state);
  }
};

export const decideOrder = (command: OrderCommand, state: OrderState): OrderEvent[] => {
  switch (command.type) {
    case 'PlaceOrder':
      return placeOrder(command, state);
    case 'ConfirmOrder':
      return confirmOrder(command, state);
    case 'CancelOrder':
      return cancelOrder(command, state);
    default:
      return assertNever(command);
  }
};

import { isDomainError } from '../../domain/errors.ts';
import type { AuthorizationOutcome } from '../../domain/order-saga/payment.ts';
import type {
  AuthorizePaymentData,
  CapturePaymentData,
  RefundPaymentData,
  VoidPaymentData,
} from '../../domain/order-saga/steps.ts';
import { paymentDecider } from '../../domain/payment/payment-decider.ts';
import type { PaymentGateway } from '../../domain/payment/payment-gateway.ts';
import { paymentStreamId } from '../../domain/streams.ts';
import { readState } from '../command-handler.ts';
import type { EventStore } from '../event-store/event-store.ts';
import { authorizePayment } from './authorize-payment.ts';
import { giveBackPointsAndCoupon } from './give-back.ts';
import { type PaymentStepContext, subCommandIds } from './payment-step.ts';
import { sendSubCommand } from './send-sub-command.ts';

export interface PaymentServiceDependencies {
  store: EventStore;
  /** Wrap it with `withCircuitBreaker` so a gateway that stopped answering is not waited on by every order. */
  gateway: PaymentGateway;
  clock: () => Date;
  /** Longest wait for one gateway answer; a step's `deadlineAt` can shorten it. Default 5,000 ms. */
  gatewayTimeoutMs?: number;
  /** Attempts of the command handler on a version conflict. */
  retries?: number;
}

/** The payment operations the saga's steps call. Each is safe to run again with the same step context. */
export interface PaymentService {
  /** A decline is an outcome (PaymentDeclined is recorded), not an error. */
  authorize(data: AuthorizePaymentData, step: PaymentStepContext): Promise<AuthorizationOutcome>;
  capture(data: CapturePaymentData, step: PaymentStepContext): Promise<void>;
  /** Voids the payment (before capture) and gives back points and coupon. */
  void(data: VoidPaymentData, step: PaymentStepContext): Promise<void>;
  /** Refunds a captured payment and gives back points and coupon. */
  refund(data: RefundPaymentData, step: PaymentStepContext): Promise<void>;
}

export const defaultGatewayTimeoutMs = 5_000;

export const createPaymentService = ({
  store,
  gateway,
  clock,
  gatewayTimeoutMs = defaultGatewayTimeoutMs,
  retries,
}: PaymentServiceDependencies): PaymentService => {
  const deps = { store, clock, ...(retries === undefined ? {} : { retries }) };
  const readPayment = (orderId: string) => readState(store, paymentDecider, paymentStreamId(orderId));

  return {
    authorize: (data, step) => authorizePayment({ ...deps, gateway, gatewayTimeoutMs }, data, step),

    async capture({ orderId }, step) {
      await sendSubCommand(
        deps,
        step,
        paymentDecider,
        paymentStreamId(orderId),
        subCommandIds(step.commandId).capture,
        {
          type: 'CapturePayment',
          data: { orderId },
        },
      );
    },

    async void(data, step) {
      const ids = subCommandIds(step.commandId);
      const streamId = paymentStreamId(data.orderId);
      const { orderId, customerId, parts, reason } = data;
      // A payment voided before it was ever requested is recorded as requested and voided, so an authorization
      // step that still arrives (a redelivery, a slow worker) finds it voided and spends nothing.
      if ((await readPayment(orderId)).status === 'Empty') {
        const total = parts.reduce((sum, part) => sum + part.amount, 0);
        try {
          await sendSubCommand(deps, step, paymentDecider, streamId, ids.request, {
            type: 'RequestPayment',
            data: { orderId, customerId, parts, total },
          });
        } catch (error) {
          // The authorization step requested it in between: void that one.
          if (!(isDomainError(error) && error.rule === 'payment_exists')) throw error;
        }
      }
      await sendSubCommand(deps, step, paymentDecider, streamId, ids.void, {
        type: 'VoidPayment',
        data: { orderId, reason },
      });
      await giveBackPointsAndCoupon(deps, step, data);
    },

    async refund(data, step) {
      const { orderId, reason } = data;
      await sendSubCommand(deps, step, paymentDecider, paymentStreamId(orderId), subCommandIds(step.commandId).refund, {
        type: 'RefundPayment',
        data: { orderId, reason },
      });
      await giveBackPointsAndCoupon(deps, step, data);
    },
  };
};

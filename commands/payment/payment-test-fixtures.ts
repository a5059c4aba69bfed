/** Accounts, gateways and stream readers shared by the payment and saga-step integration tests. */
import { randomUUID } from 'node:crypto';
import { couponDecider } from '../../domain/coupon/coupon-decider.ts';
import type { AuthorizationRequest, PaymentGateway } from '../../domain/payment/payment-gateway.ts';
import type { PaymentPart } from '../../domain/payment-plan/payment-part.ts';
import { pointsDecider } from '../../domain/points/points-decider.ts';
import { couponStreamId, pointsStreamId } from '../../domain/streams.ts';
import { uniqueName } from '../../test/support/names.ts';
import { handleCommand } from '../command-handler.ts';
import type { EventStore, ExpectedVersion, NewEvent } from '../event-store/event-store.ts';
import { simulatedPaymentGateway } from '../payment-gateway/simulated-payment-gateway.ts';
import type { PaymentStepContext } from './payment-step.ts';

const now = () => new Date().toISOString();

export const grantPoints = async (store: EventStore, amount: number): Promise<string> => {
  const customerId = uniqueName('customer');
  await handleCommand({
    store,
    decider: pointsDecider,
    streamId: pointsStreamId(customerId),
    command: { type: 'GrantPoints', data: { customerId, amount }, metadata: { commandId: randomUUID(), now: now() } },
  });
  return customerId;
};

export const createCoupon = async (store: EventStore, amount: number): Promise<string> => {
  const code = uniqueName('coupon');
  await handleCommand({
    store,
    decider: couponDecider,
    streamId: couponStreamId(code),
    command: { type: 'CreateCoupon', data: { code, amount }, metadata: { commandId: randomUUID(), now: now() } },
  });
  return code;
};

export const eventTypes = async (store: EventStore, streamId: string): Promise<string[]> =>
  (await store.readStream(streamId)).map((event) => event.type);

export const stepFor = (orderId: string, step = 'authorize', extra: Partial<PaymentStepContext> = {}) => ({
  commandId: `saga-${orderId}:${step}`,
  correlationId: orderId,
  causationId: `saga-${orderId}@0`,
  ...extra,
});

export interface CountingGateway extends PaymentGateway {
  requests: AuthorizationRequest[];
}

/** The simulated gateway, remembering every request it was asked. */
export const countingGateway = (inner: PaymentGateway = simulatedPaymentGateway()): CountingGateway => {
  const requests: AuthorizationRequest[] = [];
  return {
    requests,
    authorize: (request, signal) => {
      requests.push(request);
      return inner.authorize(request, signal);
    },
  };
};

export const cardPart = (amount: number, token = 'tok_ok'): PaymentPart => ({ method: 'card', amount, token });
export const pointsPart = (amount: number): PaymentPart => ({ method: 'points', amount });
export const couponPart = (amount: number, couponCode: string): PaymentPart => ({
  method: 'coupon',
  amount,
  couponCode,
});

/**
 * The store, but the first append that `crashesOn` picks fails as if the process died before writing:
 * running the step again afterwards shows what a restart after a crash at that line does.
 */
export const crashOnce = (
  store: EventStore,
  crashesOn: (streamId: string, events: NewEvent[]) => boolean,
): EventStore & { crashed: () => boolean } => {
  let crashed = false;
  return {
    readStream: (streamId) => store.readStream(streamId),
    readAll: (options) => store.readAll(options),
    ping: () => store.ping(),
    close: () => store.close(),
    appendToStream: (streamId: string, events: NewEvent[], expected: ExpectedVersion) => {
      if (!crashed && crashesOn(streamId, events)) {
        crashed = true;
        return Promise.reject(new Error(`simulated crash before appending to ${streamId}`));
      }
      return store.appendToStream(streamId, events, expected);
    },
    crashed: () => crashed,
  };
};

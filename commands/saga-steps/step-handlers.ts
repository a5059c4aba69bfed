import type { Decider } from '../../domain/decider.ts';
import { inventoryDecider } from '../../domain/inventory/inventory-decider.ts';
import type { Command, Event } from '../../domain/message.ts';
import { orderDecider } from '../../domain/order/order-decider.ts';
import type { SagaStepCommandType } from '../../domain/order-saga/steps.ts';
import type { PaymentPart } from '../../domain/payment-plan/payment-part.ts';
import { paymentPlanFieldErrors } from '../../domain/payment-plan/payment-plan-fields.ts';
import { inventoryStreamId, orderStreamId, paymentStreamId } from '../../domain/streams.ts';
import { FieldErrors, isNonEmptyString } from '../../domain/validation.ts';
import { handleCommand } from '../command-handler.ts';
import type { EventStore } from '../event-store/event-store.ts';
import type { PaymentService } from '../payment/payment-service.ts';
import type { PaymentStepContext } from '../payment/payment-step.ts';
import type { StepEvent } from './step-outcome.ts';

export interface StepExecutorDependencies {
  store: EventStore;
  payments: PaymentService;
  /** Attempts of the command handler on a version conflict. */
  retries?: number;
}

/** One step as the saga scheduled it, with what the dispatcher adds (the instant it runs at). */
export interface StepToExecute {
  /** `saga-<orderId>:<step>`, the same for every attempt of the step. */
  commandId: string;
  command: { type: string; streamId: string; dataJson: string };
  correlationId: string;
  causationId: string;
  now: Date;
  deadlineAt?: string;
}

export interface StepHandler {
  /** The stream the step's data addresses; the step must name exactly this one. */
  streamOf(data: Record<string, unknown>): string | undefined;
  /** Runs the step; resolves to the domain events its commands recorded (or found recorded). */
  run(deps: StepExecutorDependencies, step: StepToExecute, data: Record<string, unknown>): Promise<StepEvent[]>;
}

const stringField =
  (field: string, streamOf: (id: string) => string) =>
  (data: Record<string, unknown>): string | undefined => {
    const value = data[field];
    return isNonEmptyString(value) ? streamOf(value) : undefined;
  };

/** A step the aggregate's decider answers; its own checks refuse bad data as a validation error. */
const decidedBy = <State, C extends Command, E extends Event>(
  decider: Decider<State, C, E>,
  type: C['type'],
  streamOf: StepHandler['streamOf'],
): StepHandler => ({
  streamOf,
  run: async ({ store, retries }, step, data) => {
    const { events } = await handleCommand({
      store,
      decider,
      streamId: step.command.streamId,
      // The data comes from JSON: the decider checks every field it reads.
      command: {
        type,
        data,
        metadata: {
          commandId: step.commandId,
          now: step.now.toISOString(),
          correlationId: step.correlationId,
          causationId: step.causationId,
        },
      } as unknown as C,
      ...(retries === undefined ? {} : { retries }),
    });
    return events.map(({ type, data: eventData }) => ({ type, data: eventData }));
  },
});

const paymentContext = (step: StepToExecute, recorded: StepEvent[]): PaymentStepContext => ({
  commandId: step.commandId,
  correlationId: step.correlationId,
  causationId: step.causationId,
  ...(step.deadlineAt === undefined ? {} : { deadlineAt: step.deadlineAt }),
  recorded: (events) => {
    for (const { type, data } of events) recorded.push({ type, data });
  },
});

// Points and coupons are given back from the parts, so a payment step's parts must be well formed.
const withParts = (data: Record<string, unknown>) => {
  new FieldErrors()
    .check(isNonEmptyString(data.customerId), 'customerId', 'is required')
    .add(paymentPlanFieldErrors(data.parts, 'parts'))
    .throwIfAny('the payment step is not well formed');
  return data as Record<string, unknown> & { orderId: string; customerId: string; parts: PaymentPart[] };
};

const byPaymentService = (
  run: (payments: PaymentService, data: Record<string, unknown>, step: PaymentStepContext) => Promise<unknown>,
): StepHandler => ({
  streamOf: stringField('orderId', paymentStreamId),
  run: async ({ payments }, step, data) => {
    const recorded: StepEvent[] = [];
    await run(payments, data, paymentContext(step, recorded));
    return recorded;
  },
});

const bySku = stringField('sku', inventoryStreamId);
const byOrder = stringField('orderId', orderStreamId);

/** Every command type a saga step may carry (the saga's `SagaStepCommandType`, no more, no less), and who executes it. */
export const stepHandlers = {
  ReserveStock: decidedBy(inventoryDecider, 'ReserveStock', bySku),
  ReleaseStock: decidedBy(inventoryDecider, 'ReleaseStock', bySku),
  CommitReservation: decidedBy(inventoryDecider, 'CommitReservation', bySku),
  ReturnStock: decidedBy(inventoryDecider, 'ReturnStock', bySku),
  ConfirmOrder: decidedBy(orderDecider, 'ConfirmOrder', byOrder),
  CancelOrder: decidedBy(orderDecider, 'CancelOrder', byOrder),
  AuthorizePayment: byPaymentService((payments, data, step) => {
    const { orderId, customerId, parts } = withParts(data);
    return payments.authorize({ orderId, customerId, parts, total: data.total as number }, step);
  }),
  CapturePayment: byPaymentService((payments, data, step) =>
    payments.capture({ orderId: data.orderId as string }, step),
  ),
  VoidPayment: byPaymentService((payments, data, step) => {
    const { orderId, customerId, parts } = withParts(data);
    return payments.void({ orderId, customerId, parts, reason: data.reason as string }, step);
  }),
  RefundPayment: byPaymentService((payments, data, step) => {
    const { orderId, customerId, parts } = withParts(data);
    return payments.refund({ orderId, customerId, parts, reason: data.reason as string }, step);
  }),
} satisfies Record<SagaStepCommandType, StepHandler>;

export type StepCommandType = keyof typeof stepHandlers;

export const isStepCommandType = (type: string): type is StepCommandType => Object.hasOwn(stepHandlers, type);

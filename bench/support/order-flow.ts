import { randomBytes, randomUUID } from 'node:crypto';
import type { EventMetadata, NewEvent } from '../../commands/event-store/event-store.ts';
import { exampleEvents } from '../../schemas/examples.ts';

/** The aggregates one settled order writes to, and so the streams its events land in. */
export type FlowAggregate = 'order' | 'inventory' | 'payment';

export interface FlowStep {
  type: string;
  aggregate: FlowAggregate;
  data: Record<string, unknown>;
}

/** The events of one order placed, reserved on two SKUs, paid by card and confirmed, in the order they happen. */
const happyPath: readonly [string, FlowAggregate][] = [
  ['OrderPlaced', 'order'],
  ['StockReserved', 'inventory'],
  ['StockReserved', 'inventory'],
  ['PaymentRequested', 'payment'],
  ['PaymentAuthorized', 'payment'],
  ['PaymentCaptured', 'payment'],
  ['ReservationCommitted', 'inventory'],
  ['ReservationCommitted', 'inventory'],
  ['OrderConfirmed', 'order'],
];

/**
 * Event bodies the deciders really emit (schemas/examples.ts), so the bytes written, encoded and sent
 * are those of production events and the Avro encoder accepts every one.
 */
export const orderFlow = (): FlowStep[] => {
  const examples = exampleEvents();
  return happyPath.map(([type, aggregate]) => {
    const example = examples.find((event) => event.type === type);
    if (!example) throw new Error(`schemas/examples.ts has no ${type} example: the benchmark needs one`);
    return { type, aggregate, data: example.data as Record<string, unknown> };
  });
};

/** What the command API records on every event: the order, the command, a W3C trace context. */
export const commandMetadata = (orderId: string): EventMetadata => ({
  correlationId: orderId,
  causationId: randomUUID(),
  commandId: randomUUID(),
  traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
});

/** A new event of `step` for the order `orderId`: UUID-long ids in place of the examples' short ones. */
export const flowEvent = (step: FlowStep, orderId: string): NewEvent => ({
  id: randomUUID(),
  type: step.type,
  data: 'orderId' in step.data ? { ...step.data, orderId } : step.data,
  metadata: commandMetadata(orderId),
});

import type { CommitReservation, ReleaseStock, ReserveStock, ReturnStock } from '../inventory/commands.ts';
import type { CancelOrder, ConfirmOrder } from '../order/commands.ts';
import type { PaymentPart } from '../payment-plan/payment-part.ts';

/**
 * Step names. A name is deterministic (`reserve:sku-a`, `authorize-payment`), so the command id derived
 * from it is the same whenever the saga decides the same thing again.
 */
export const lineStepKinds = ['reserve', 'commit', 'release', 'return'] as const;
export const orderStepKinds = [
  'authorize-payment',
  'confirm-order',
  'capture-payment',
  'void-payment',
  'refund-payment',
  'cancel-order',
] as const;

export type LineStepKind = (typeof lineStepKinds)[number];
export type OrderStepKind = (typeof orderStepKinds)[number];

export type SagaStep = { kind: LineStepKind; sku: string } | { kind: OrderStepKind };
export type SagaStepKind = SagaStep['kind'];

export const lineStep = (kind: LineStepKind, sku: string): string => `${kind}:${sku}`;

export const stepName = (step: SagaStep): string => ('sku' in step ? lineStep(step.kind, step.sku) : step.kind);

/** Parses a step name; undefined for a name the saga never gives. */
export const parseStepName = (name: string): SagaStep | undefined => {
  const orderKind = orderStepKinds.find((kind) => kind === name);
  if (orderKind) return { kind: orderKind };
  const colon = name.indexOf(':');
  const lineKind = lineStepKinds.find((kind) => kind === name.slice(0, colon));
  return lineKind && colon < name.length - 1 ? { kind: lineKind, sku: name.slice(colon + 1) } : undefined;
};

/**
 * Steps that move the order towards completion. Once the saga compensates they are no longer
 * retried; an outcome that still arrives is only recorded (compensation reacts to what it caused).
 */
export const isForwardStep = (kind: SagaStepKind): boolean =>
  kind === 'reserve' ||
  kind === 'authorize-payment' ||
  kind === 'confirm-order' ||
  kind === 'commit' ||
  kind === 'capture-payment';

/** What the payment service needs to authorize an order's payment. */
export interface AuthorizePaymentData {
  orderId: string;
  customerId: string;
  parts: PaymentPart[];
  total: number;
}

export interface CapturePaymentData {
  orderId: string;
}

/** The parts name the points account and the coupon to give back. */
export interface VoidPaymentData {
  orderId: string;
  customerId: string;
  parts: PaymentPart[];
  reason: string;
}

export type RefundPaymentData = VoidPaymentData;

/**
 * The commands a step sends. Inventory and order commands go to one aggregate each; the payment
 * commands go to the payment service (their data is its input), which spends or gives back points
 * and coupons around the payment aggregate and the gateway.
 */
export type SagaStepCommand =
  | { type: 'ReserveStock'; data: ReserveStock['data'] }
  | { type: 'ReleaseStock'; data: ReleaseStock['data'] }
  | { type: 'CommitReservation'; data: CommitReservation['data'] }
  | { type: 'ReturnStock'; data: ReturnStock['data'] }
  | { type: 'ConfirmOrder'; data: ConfirmOrder['data'] }
  | { type: 'CancelOrder'; data: CancelOrder['data'] }
  | { type: 'AuthorizePayment'; data: AuthorizePaymentData }
  | { type: 'CapturePayment'; data: CapturePaymentData }
  | { type: 'VoidPayment'; data: VoidPaymentData }
  | { type: 'RefundPayment'; data: RefundPaymentData };

export type SagaStepCommandType = SagaStepCommand['type'];

/** A step's command as `SagaStepScheduled` carries it: the data as JSON keeps one Avro schema for all. */
export interface ScheduledCommand {
  type: SagaStepCommandType;
  /** The stream the command lands on (`payment-<orderId>` for the payment service). */
  streamId: string;
  /** `saga-<orderId>:<step>`: the same for every attempt. */
  commandId: string;
  dataJson: string;
}

import type {
  AuthorizePaymentData,
  CapturePaymentData,
  RefundPaymentData,
  VoidPaymentData,
} from '../../commands/payment/payment-step.ts';
import type { CommitReservation, ReleaseStock, ReserveStock, ReturnStock } from '../../domain/inventory/commands.ts';
import type { CancelOrder, ConfirmOrder } from '../../domain/order/commands.ts';

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

const stepCommandTypeSet: Record<SagaStepCommandType, true> = {
  ReserveStock: true,
  ReleaseStock: true,
  CommitReservation: true,
  ReturnStock: true,
  ConfirmOrder: true,
  CancelOrder: true,
  AuthorizePayment: true,
  CapturePayment: true,
  VoidPayment: true,
  RefundPayment: true,
};

export const sagaStepCommandTypes = Object.keys(stepCommandTypeSet) as SagaStepCommandType[];

/** A step's command as `SagaStepScheduled` carries it: the data as JSON keeps one Avro schema for all. */
export interface ScheduledCommand {
  type: SagaStepCommandType;
  /** The stream the command lands on (`payment-<orderId>` for the payment service). */
  streamId: string;
  /** `saga-<orderId>:<step>`: the same for every attempt. */
  commandId: string;
  dataJson: string;
}

export class ScheduledCommandError extends Error {
  override name = 'ScheduledCommandError';
}

/** The command a dispatcher sends for a scheduled step. */
export const stepCommandOf = (command: ScheduledCommand): SagaStepCommand => {
  if (!Object.hasOwn(stepCommandTypeSet, command.type)) {
    throw new ScheduledCommandError(`unknown step command type ${command.type}`);
  }
  const data: unknown = JSON.parse(command.dataJson);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ScheduledCommandError(`the data of ${command.commandId} is not an object`);
  }
  return { type: command.type, data } as SagaStepCommand;
};

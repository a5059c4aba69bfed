import type { CommandMetadata } from '../message.ts';
import type { PaymentPart } from '../payment-plan/payment-part.ts';
import { runCommands } from '../testing/run-commands.ts';
import type { PaymentCommand } from './commands.ts';
import type { PaymentEvent } from './events.ts';
import { paymentDecider } from './payment-decider.ts';

export const paymentNow = '2025-01-01T10:00:00.000Z';
const metadata: CommandMetadata = { commandId: 'command-1', now: paymentNow };

type DataOf<Type extends PaymentCommand['type']> = Extract<PaymentCommand, { type: Type }>['data'];

/** Builds a payment command; `orderId` defaults to `o1`. */
export const paymentCommand = <Type extends PaymentCommand['type']>(
  type: Type,
  data: Omit<DataOf<Type>, 'orderId'> & { orderId?: string },
): PaymentCommand => ({ type, data: { orderId: 'o1', ...data }, metadata }) as unknown as PaymentCommand;

export const cardAndPoints: PaymentPart[] = [
  { method: 'card', amount: 4000, token: 'tok_ok' },
  { method: 'points', amount: 1000 },
];

export const requestPayment = (parts: PaymentPart[] = cardAndPoints, total = 5000): PaymentCommand =>
  paymentCommand('RequestPayment', { customerId: 'c1', parts, total });

/** Events the payment decider really emits, covering every type and every optional field set and unset. */
export const paymentExampleEvents = (): PaymentEvent[] => [
  ...runCommands(paymentDecider, [
    requestPayment(),
    paymentCommand('RecordAuthorization', { authorizationId: 'auth_o1' }),
    paymentCommand('CapturePayment', {}),
    paymentCommand('RefundPayment', { reason: 'customer_request' }),
  ]),
  ...runCommands(paymentDecider, [
    paymentCommand('RequestPayment', {
      orderId: 'o2',
      customerId: 'c1',
      parts: [{ method: 'bnpl', amount: 20_000, token: 'tok_declined' }],
      total: 20_000,
    }),
    paymentCommand('RecordDecline', { orderId: 'o2', reason: 'declined' }),
  ]),
  ...runCommands(paymentDecider, [
    requestPayment(),
    paymentCommand('RecordAuthorization', { authorizationId: 'auth_o1' }),
    paymentCommand('VoidPayment', { reason: 'out_of_stock' }),
  ]),
  ...runCommands(paymentDecider, [requestPayment(), paymentCommand('VoidPayment', { reason: 'payment_timeout' })]),
];

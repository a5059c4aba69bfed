import { z } from 'zod';
import { notFound } from '../../domain/errors.ts';
import type { PaymentEvent, PaymentRequested } from '../../domain/payment/events.ts';
import { paymentMethods } from '../../domain/payment-plan/payment-part.ts';
import { paymentStreamId } from '../../domain/streams.ts';
import { actsFor } from '../../platform/auth/actor.ts';
import { ApiRouter } from '../../platform/http/api-router.ts';
import { object, text } from '../../platform/http/fields.ts';
import { refusals, success } from '../../platform/http/responses.ts';
import type { RecordedEvent } from '../event-store/event-store.ts';
import type { CommandApiDependencies } from './command-request.ts';

const paymentStatuses = ['requested', 'authorized', 'declined', 'captured', 'voided', 'refunded'] as const;

const statusAfter: Record<PaymentEvent['type'], (typeof paymentStatuses)[number]> = {
  PaymentRequested: 'requested',
  PaymentAuthorized: 'authorized',
  PaymentDeclined: 'declined',
  PaymentCaptured: 'captured',
  PaymentVoided: 'voided',
  PaymentRefunded: 'refunded',
};

export const paymentView = z.strictObject({
  orderId: z.string(),
  customerId: z.string(),
  status: z.enum(paymentStatuses),
  total: z.int().min(0),
  parts: z.array(
    z.strictObject({ method: z.enum(paymentMethods), amount: z.int().min(0), couponCode: z.string().optional() }),
  ),
  history: z.array(
    z.strictObject({
      status: z.enum(paymentStatuses),
      at: z.iso.datetime(),
      version: z.int().min(0),
      amount: z.int().min(0).optional(),
      reason: z.string().optional(),
      authorizationId: z.string().optional(),
    }),
  ),
  version: z.int().min(0).meta({ description: 'version of stream payment-<orderId> this reflects' }),
});

type PaymentView = z.output<typeof paymentView>;

/** The payment as its stream tells it; gateway tokens stay out (they are sealed in the events anyway). */
const paymentOf = (events: readonly RecordedEvent[]): PaymentView | undefined => {
  const [first] = events;
  if (first?.type !== 'PaymentRequested') return undefined;
  const requested = first.data as PaymentRequested['data'];
  const history = events.map((event) => {
    const data = event.data as { amount?: number; reason?: string; authorizationId?: string };
    return {
      status: statusAfter[event.type as PaymentEvent['type']],
      at: event.recordedAt.toISOString(),
      version: event.version,
      ...(event.type !== 'PaymentRequested' && data.amount !== undefined ? { amount: data.amount } : {}),
      ...(data.reason === undefined ? {} : { reason: data.reason }),
      ...(data.authorizationId === undefined ? {} : { authorizationId: data.authorizationId }),
    };
  });
  return {
    orderId: requested.orderId,
    customerId: requested.customerId,
    status: history.at(-1)?.status ?? 'requested',
    total: requested.total,
    parts: requested.parts.map(({ method, amount, couponCode }) => ({
      method,
      amount,
      ...(couponCode === undefined ? {} : { couponCode }),
    })),
    history,
    version: events.at(-1)?.version ?? 0,
  };
};

/**
 * `GET /payments/:orderId`: the payment's parts, status and every step of its history, read from its
 * stream (no read model keeps the history). A customer sees only the payments of their own orders.
 */
export const paymentsRoutes = ({ store }: Pick<CommandApiDependencies, 'store'>): ApiRouter => {
  const router = new ApiRouter({ prefix: '/payments', tag: 'payments' });
  router.get(
    '/:orderId',
    {
      summary: "An order's payment: parts, status and history",
      description: "Another customer's payment answers 404 to a customer's token, as if it did not exist.",
      access: 'customer',
      params: object({ orderId: text(200) }),
      responses: { 200: success('The payment', paymentView), ...refusals(400, 404) },
    },
    async (ctx, { params, actor }) => {
      const payment = paymentOf(await store.readStream(paymentStreamId(params.orderId)));
      if (!payment || !actsFor(actor, payment.customerId)) throw notFound(`no payment for order ${params.orderId}`);
      ctx.body = payment;
    },
  );
  return router;
};

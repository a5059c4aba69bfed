import { z } from 'zod';
import { notFound, ruleBroken, validationError } from '../../domain/errors.ts';
import { maxLineQuantity, maxOrderLines, maxOrderTotal } from '../../domain/limits.ts';
import type { CancelOrder, PlaceOrder } from '../../domain/order/commands.ts';
import type { OrderCancelled } from '../../domain/order/events.ts';
import { orderDecider } from '../../domain/order/order-decider.ts';
import { isGatewayMethod, type PaymentPart, paymentMethods } from '../../domain/payment-plan/payment-part.ts';
import { orderStreamId } from '../../domain/streams.ts';
import { type Actor, actsFor, isOperator } from '../../platform/auth/actor.ts';
import { seal } from '../../platform/data-key.ts';
import { forbidden } from '../../platform/http/access.ts';
import { ApiRouter } from '../../platform/http/api-router.ts';
import { integer, list, object, oneOf, optionalText, text } from '../../platform/http/fields.ts';
import type { RateLimiter } from '../../platform/http/rate-limit.ts';
import { refusals } from '../../platform/http/responses.ts';
import { handleCommand, readState } from '../command-handler.ts';
import { accepted, answer, type CommandApiDependencies, commandRequest, producedData } from './command-request.ts';
import { idempotencyKeyHeaders, orderIdForKey, placeOrderCommandIdForKey, requestHash } from './idempotency.ts';
import { paymentAccounts, pricedLines } from './order-inputs.ts';

export interface OrdersDependencies extends CommandApiDependencies {
  /** Base URL of the query API; an accepted order points there with `Location`. */
  readApiUrl: string;
  /** `POST /orders` per subject. */
  orderRateLimit: RateLimiter;
}

const orderLine = object({ sku: text(), quantity: integer(1, maxLineQuantity) });

const paymentPart = object({
  method: oneOf(paymentMethods),
  amount: integer(1, maxOrderTotal, `must be an integer from 1 to ${maxOrderTotal} (minor units)`),
  token: optionalText(200),
  couponCode: optionalText(),
}).superRefine((part, ctx) => {
  if (isGatewayMethod(part.method) && !part.token) {
    ctx.addIssue({ code: 'custom', path: ['token'], message: `is required for ${part.method}` });
  }
  if (part.method === 'coupon' && !part.couponCode) {
    ctx.addIssue({ code: 'custom', path: ['couponCode'], message: 'is required for coupon' });
  }
});

/**
 * The whole shape of an order, checked before any stream is read so a malformed order costs nothing:
 * 1 to 50 lines of distinct SKUs, quantities 1 to 999, and at most one payment part per method, so a
 * request cannot make the API fold hundreds of coupon streams. The plan's rules (422) stay in the decider.
 */
export const placeOrderBody = object({
  customerId: optionalText().meta({
    description: "The customer the order is for; a customer's token may leave it out (it is their subject)",
  }),
  items: list(orderLine, 1, maxOrderLines, `must list 1 to ${maxOrderLines} lines`).superRefine((lines, ctx) => {
    const seen = new Set<string>();
    lines.forEach((line, index) => {
      if (seen.has(line.sku))
        ctx.addIssue({ code: 'custom', path: [index, 'sku'], message: 'appears on another line' });
      seen.add(line.sku);
    });
  }),
  payment: list(
    paymentPart,
    1,
    paymentMethods.length,
    'must list at least one payment part',
    `must list at most ${paymentMethods.length} payment parts, one per method`,
  ),
});

export const cancelOrderBody = object({ reason: optionalText(500, { multiline: true }) });

const orderAccepted = object({ orderId: z.string(), status: z.literal('pending') });
const orderCancelled = object({
  orderId: z.string(),
  status: z.literal('cancelled'),
  previousStatus: z.enum(['pending', 'confirmed']),
});

/** Keeps only the fields a part of its method carries. */
const paymentPartOf = (part: z.output<typeof paymentPart>): PaymentPart => ({
  method: part.method,
  amount: part.amount,
  ...(part.token == null ? {} : { token: part.token }),
  ...(part.couponCode == null ? {} : { couponCode: part.couponCode }),
});

/** Card and BNPL tokens leave the API sealed: events and Kafka records never hold them in clear. */
const sealedPart = (dataKey: Buffer, part: PaymentPart): PaymentPart =>
  part.token === undefined ? part : { ...part, token: seal(dataKey, part.token) };

/** A customer orders for themselves (`customerId` left out or their own); an operator names the customer. */
const customerOfOrder = (actor: Actor | undefined, customerId: string | undefined): string => {
  if (isOperator(actor)) {
    if (customerId === undefined) {
      throw validationError('the request is not well formed', [{ field: 'customerId', message: 'is required' }]);
    }
    return customerId;
  }
  if (customerId !== undefined && !actsFor(actor, customerId)) {
    throw forbidden('a customer places orders for themselves only');
  }
  return actor?.subject as string;
};

/**
 * `POST /orders` places an order (202, `Idempotency-Key` makes a retry safe);
 * `POST /orders/:id/cancel` is the customer's cancellation (202).
 */
export const ordersRoutes = (deps: OrdersDependencies): ApiRouter => {
  const { store, retries, readApiUrl, newId, dataKey, orderRateLimit } = deps;
  const router = new ApiRouter({ prefix: '/orders', tag: 'orders' });

  router.post(
    '/',
    {
      summary: 'Place an order; payment and stock follow asynchronously',
      access: 'customer',
      headers: idempotencyKeyHeaders,
      body: placeOrderBody,
      responses: {
        202: {
          ...accepted('The order is placed and pending', orderAccepted),
          headers: {
            ...accepted('', orderAccepted).headers,
            Location: 'Where the query API shows the order',
          },
        },
        ...refusals(400, 403, 422, 429),
      },
    },
    async (ctx, { headers, body, actor }) => {
      orderRateLimit.take((actor as Actor).subject);
      const request = {
        customerId: customerOfOrder(actor, body.customerId ?? undefined),
        items: body.items.map(({ sku, quantity }) => ({ sku, quantity })),
        payment: body.payment.map(paymentPartOf),
      };
      const key = headers['Idempotency-Key'];
      const subject = (actor as Actor).subject;
      const orderId = key === undefined ? newId() : orderIdForKey(dataKey, subject, key);
      const hash = requestHash(dataKey, request);

      const [lines, context] = await Promise.all([
        pricedLines(store, request.items),
        paymentAccounts(store, request.customerId, request.payment),
      ]);
      const { metadata, eventMetadata } = commandRequest(ctx, deps, actor, {
        commandId: key === undefined ? undefined : placeOrderCommandIdForKey(dataKey, subject, key),
        correlationId: orderId,
      });
      const payment = request.payment.map((part) => sealedPart(dataKey, part));
      const command: PlaceOrder = {
        type: 'PlaceOrder',
        data: { orderId, customerId: request.customerId, lines, payment, context },
        metadata,
      };
      const streamId = orderStreamId(orderId);
      const outcome = await handleCommand({
        store,
        decider: orderDecider,
        streamId,
        command,
        metadata: { ...eventMetadata, requestHash: hash },
        retries,
      });
      if (outcome.events.some((event) => event.metadata.requestHash !== hash)) {
        throw ruleBroken('idempotency_key_reused', 'this Idempotency-Key was used with a different request');
      }
      ctx.set('Location', `${readApiUrl}/orders/${orderId}`);
      answer(ctx, 202, { orderId, status: 'pending' }, { streamId, outcome });
    },
  );

  router.post(
    '/:id/cancel',
    {
      summary: "The customer's cancellation of a pending order, or a confirmed one within 24 hours",
      access: 'customer',
      params: object({ id: text() }),
      body: cancelOrderBody,
      responses: { 202: accepted('The order is cancelled', orderCancelled), ...refusals(400, 404, 422) },
    },
    async (ctx, { params, body, actor }) => {
      const orderId = params.id;
      const reason = body.reason ?? undefined;
      if (!isOperator(actor)) {
        // Someone else's order answers like no order at all, so its existence does not leak.
        const state = await readState(store, orderDecider, orderStreamId(orderId));
        if (state.status === 'Empty' || !actsFor(actor, state.order.customerId)) throw notFound(`no order ${orderId}`);
      }
      const { metadata, eventMetadata } = commandRequest(ctx, deps, actor, { correlationId: orderId });
      const command: CancelOrder = {
        type: 'CancelOrder',
        data: { orderId, reason: 'customer_request', requestedBy: isOperator(actor) ? 'operator' : 'customer' },
        metadata,
      };
      const streamId = orderStreamId(orderId);
      const outcome = await handleCommand({
        store,
        decider: orderDecider,
        streamId,
        command,
        // The customer's own words are kept for people, outside the event's typed data.
        metadata: { ...eventMetadata, ...(reason === undefined ? {} : { note: reason }) },
        retries,
      });
      const cancelled = producedData<OrderCancelled['data']>(outcome);
      answer(
        ctx,
        202,
        { orderId, status: 'cancelled', previousStatus: cancelled.previousStatus },
        { streamId, outcome },
      );
    },
  );

  return router;
};

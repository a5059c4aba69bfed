import Router from '@koa/router';
import { ruleBroken } from '../../domain/errors.ts';
import type { CancelOrder, PlaceOrder } from '../../domain/order/commands.ts';
import type { OrderCancelled } from '../../domain/order/events.ts';
import { orderDecider } from '../../domain/order/order-decider.ts';
import { assertPlaceOrderWellFormed } from '../../domain/order/validate-place-order.ts';
import type { PaymentMethod, PaymentPart } from '../../domain/payment-plan/payment-part.ts';
import { orderStreamId } from '../../domain/streams.ts';
import { handleCommand } from '../command-handler.ts';
import { answer, type CommandApiDependencies, commandRequest, producedData } from './command-request.ts';
import { idempotencyKeyOf, orderIdForKey, placeOrderCommandIdForKey, requestHash } from './idempotency.ts';
import { readJsonBody } from './json-body.ts';
import { paymentAccounts, pricedLines, type RequestedItem } from './order-inputs.ts';
import { type Fields, readFields } from './request-fields.ts';

export interface OrdersDependencies extends CommandApiDependencies {
  /** Base URL of the query API; an accepted order points there with `Location`. */
  readApiUrl: string;
}

interface PlaceOrderRequest {
  customerId: string;
  items: RequestedItem[];
  payment: PaymentPart[];
}

const readPlaceOrderRequest = (body: unknown): PlaceOrderRequest =>
  readFields(body, (fields) => ({
    customerId: fields.string('customerId'),
    items: fields.list('items', (item) => ({ sku: item.string('sku'), quantity: item.integer('quantity') })),
    payment: fields.list('payment', readPaymentPart),
  }));

const readPaymentPart = (part: Fields): PaymentPart => {
  const token = part.optionalString('token', 200);
  const couponCode = part.optionalString('couponCode');
  return {
    method: part.string('method') as PaymentMethod,
    amount: part.integer('amount'),
    ...(token === undefined ? {} : { token }),
    ...(couponCode === undefined ? {} : { couponCode }),
  };
};

/**
 * `POST /orders` places an order (202, `Idempotency-Key` makes a retry safe);
 * `POST /orders/:id/cancel` is the customer's cancellation (202).
 */
export const ordersRoutes = (deps: OrdersDependencies): Router => {
  const { store, retries, readApiUrl, newId } = deps;
  const router = new Router({ prefix: '/orders' });

  router.post('/', async (ctx) => {
    const request = readPlaceOrderRequest(await readJsonBody(ctx));
    const key = idempotencyKeyOf(ctx.get('Idempotency-Key') || undefined);
    const orderId = key === undefined ? newId() : orderIdForKey(key);
    const hash = requestHash(request);

    // Shape and ranges first (placeholder prices), so a malformed order costs no stream reads.
    const unpriced = request.items.map((item) => ({ ...item, unitPrice: 0 }));
    const empty = { pointsBalance: 0, coupons: {} };
    assertPlaceOrderWellFormed({ ...request, orderId, lines: unpriced, context: empty });

    const [lines, context] = await Promise.all([
      pricedLines(store, request.items),
      paymentAccounts(store, request.customerId, request.payment),
    ]);
    const { metadata, eventMetadata } = commandRequest(ctx, deps, {
      commandId: key === undefined ? undefined : placeOrderCommandIdForKey(key),
      correlationId: orderId,
    });
    const command: PlaceOrder = {
      type: 'PlaceOrder',
      data: { orderId, customerId: request.customerId, lines, payment: request.payment, context },
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
  });

  router.post('/:id/cancel', async (ctx) => {
    const orderId = readFields(ctx.params, (params) => params.string('id'));
    const { reason } = readFields(await readJsonBody(ctx), (fields) => ({
      reason: fields.optionalString('reason', 500),
    }));
    const { metadata, eventMetadata } = commandRequest(ctx, deps, { correlationId: orderId });
    const command: CancelOrder = {
      type: 'CancelOrder',
      data: { orderId, reason: 'customer_request', requestedBy: 'customer' },
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
    answer(ctx, 202, { orderId, status: 'cancelled', previousStatus: cancelled.previousStatus }, { streamId, outcome });
  });

  return router;
};

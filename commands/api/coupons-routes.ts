import { z } from 'zod';
import type { CreateCoupon } from '../../domain/coupon/commands.ts';
import { couponDecider } from '../../domain/coupon/coupon-decider.ts';
import type { CouponCreated } from '../../domain/coupon/events.ts';
import { notFound } from '../../domain/errors.ts';
import { couponCodePattern, maxOrderTotal } from '../../domain/limits.ts';
import { couponStreamId } from '../../domain/streams.ts';
import { ApiRouter } from '../../platform/http/api-router.ts';
import { identifier, integer, object, text } from '../../platform/http/fields.ts';
import { refusals, success } from '../../platform/http/responses.ts';
import { handleCommand, readState } from '../command-handler.ts';
import { accepted, answer, type CommandApiDependencies, commandRequest, producedData } from './command-request.ts';

export const couponCode = identifier(couponCodePattern, 'must be 1-64 of A-Z a-z 0-9 _ -');

export const createCouponBody = object({
  code: couponCode,
  amount: integer(1, maxOrderTotal, `must be an integer from 1 to ${maxOrderTotal} (minor units)`),
});

const couponCreated = object({ code: z.string(), amount: z.int().min(1), status: z.literal('available') });

export const couponView = z.strictObject({
  code: z.string(),
  amount: z.int().min(1),
  status: z.enum(['available', 'redeemed']),
  redeemedByOrderId: z.string().optional(),
  version: z.int().min(0).meta({ description: 'version of stream coupon-<code> this reflects' }),
});

/**
 * `POST /coupons` creates a coupon worth `amount` minor units (201, 409 if the code exists);
 * `GET /coupons/:code` says whether it is available or which order redeemed it (operators).
 */
export const couponsRoutes = (deps: CommandApiDependencies): ApiRouter => {
  const { store, retries } = deps;
  const router = new ApiRouter({ prefix: '/coupons', tag: 'coupons' });

  router.post(
    '/',
    {
      summary: 'Create a coupon worth an amount of minor units',
      body: createCouponBody,
      responses: { 201: accepted('The coupon exists and is available', couponCreated), ...refusals(400, 409) },
    },
    async (ctx, { body, actor }) => {
      const { metadata, eventMetadata } = commandRequest(ctx, deps, actor);
      const command: CreateCoupon = { type: 'CreateCoupon', data: body, metadata };
      const streamId = couponStreamId(body.code);
      const outcome = await handleCommand({
        store,
        decider: couponDecider,
        streamId,
        command,
        metadata: eventMetadata,
        retries,
      });
      const { code, amount } = producedData<CouponCreated['data']>(outcome);
      answer(ctx, 201, { code, amount, status: 'available' }, { streamId, outcome });
    },
  );

  router.get(
    '/:code',
    {
      summary: 'A coupon: its amount and whether an order redeemed it',
      params: object({ code: text() }),
      responses: { 200: success('The coupon', couponView), ...refusals(400, 404) },
    },
    async (ctx, { params }) => {
      const streamId = couponStreamId(params.code);
      const [state, events] = await Promise.all([
        readState(store, couponDecider, streamId),
        store.readStream(streamId, {}),
      ]);
      if (state.status !== 'Created') throw notFound(`no coupon ${params.code}`);
      ctx.body = {
        code: state.code,
        amount: state.amount,
        status: state.redemption ? 'redeemed' : 'available',
        ...(state.redemption ? { redeemedByOrderId: state.redemption.orderId } : {}),
        version: events.at(-1)?.version ?? 0,
      };
    },
  );

  return router;
};

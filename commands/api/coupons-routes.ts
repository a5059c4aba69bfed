import Router from '@koa/router';
import type { CreateCoupon } from '../../domain/coupon/commands.ts';
import { couponDecider } from '../../domain/coupon/coupon-decider.ts';
import type { CouponCreated } from '../../domain/coupon/events.ts';
import { couponStreamId } from '../../domain/streams.ts';
import { handleCommand } from '../command-handler.ts';
import { answer, type CommandApiDependencies, commandRequest, producedData } from './command-request.ts';
import { readJsonBody } from './json-body.ts';
import { readFields } from './request-fields.ts';

/** `POST /coupons` creates a coupon worth `amount` minor units (201, 409 if the code exists). */
export const couponsRoutes = (deps: CommandApiDependencies): Router => {
  const { store, retries } = deps;
  const router = new Router({ prefix: '/coupons' });

  router.post('/', async (ctx) => {
    const data = readFields(await readJsonBody(ctx), (fields) => ({
      code: fields.string('code'),
      amount: fields.integer('amount'),
    }));
    const { metadata, eventMetadata } = commandRequest(ctx, deps);
    const command: CreateCoupon = { type: 'CreateCoupon', data, metadata };
    const streamId = couponStreamId(data.code);
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
  });

  return router;
};

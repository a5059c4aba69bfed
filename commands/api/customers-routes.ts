import Router from '@koa/router';
import type { GrantPoints } from '../../domain/points/commands.ts';
import type { PointsGranted } from '../../domain/points/events.ts';
import { pointsDecider } from '../../domain/points/points-decider.ts';
import { pointsStreamId } from '../../domain/streams.ts';
import { handleCommand } from '../command-handler.ts';
import { answer, type CommandApiDependencies, commandRequest, producedData } from './command-request.ts';
import { readJsonBody } from './json-body.ts';
import { readFields } from './request-fields.ts';

/** `POST /customers/:id/points` grants loyalty points (202). */
export const customersRoutes = (deps: CommandApiDependencies): Router => {
  const { store, retries } = deps;
  const router = new Router({ prefix: '/customers' });

  router.post('/:id/points', async (ctx) => {
    const customerId = readFields(ctx.params, (params) => params.string('id'));
    const { amount } = readFields(await readJsonBody(ctx), (fields) => ({ amount: fields.integer('amount') }));
    const { metadata, eventMetadata } = commandRequest(ctx, deps);
    const command: GrantPoints = { type: 'GrantPoints', data: { customerId, amount }, metadata };
    const streamId = pointsStreamId(customerId);
    const outcome = await handleCommand({
      store,
      decider: pointsDecider,
      streamId,
      command,
      metadata: eventMetadata,
      retries,
    });
    const granted = producedData<PointsGranted['data']>(outcome);
    answer(ctx, 202, { customerId, granted: granted.amount, balance: granted.balance }, { streamId, outcome });
  });

  return router;
};

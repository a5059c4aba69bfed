import { z } from 'zod';
import { maxPointsGrant } from '../../domain/limits.ts';
import type { GrantPoints } from '../../domain/points/commands.ts';
import type { PointsGranted } from '../../domain/points/events.ts';
import { pointsDecider } from '../../domain/points/points-decider.ts';
import { pointsStreamId } from '../../domain/streams.ts';
import { ApiRouter } from '../../platform/http/api-router.ts';
import { integer, object, text } from '../../platform/http/fields.ts';
import { refusals } from '../../platform/http/responses.ts';
import { handleCommand } from '../command-handler.ts';
import { accepted, answer, type CommandApiDependencies, commandRequest, producedData } from './command-request.ts';

export const grantPointsBody = object({ amount: integer(1, maxPointsGrant) });

const pointsGranted = object({ customerId: z.string(), granted: z.int().min(1), balance: z.int().min(0) });

/** `POST /customers/:id/points` grants loyalty points (202). */
export const customersRoutes = (deps: CommandApiDependencies): ApiRouter => {
  const { store, retries } = deps;
  const router = new ApiRouter({ prefix: '/customers', tag: 'customers' });

  router.post(
    '/:id/points',
    {
      summary: "Grant loyalty points to a customer's balance",
      params: object({ id: text() }),
      body: grantPointsBody,
      responses: { 202: accepted('The points are granted', pointsGranted), ...refusals(400, 422) },
    },
    async (ctx, { params, body }) => {
      const customerId = params.id;
      const { metadata, eventMetadata } = commandRequest(ctx, deps);
      const command: GrantPoints = { type: 'GrantPoints', data: { customerId, amount: body.amount }, metadata };
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
    },
  );

  return router;
};

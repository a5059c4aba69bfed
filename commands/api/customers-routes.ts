import { z } from 'zod';
import { maxPointsGrant } from '../../domain/limits.ts';
import type { GrantPoints } from '../../domain/points/commands.ts';
import type { PointsEvent, PointsGranted } from '../../domain/points/events.ts';
import { pointsDecider } from '../../domain/points/points-decider.ts';
import { pointsStreamId } from '../../domain/streams.ts';
import { actsFor } from '../../platform/auth/actor.ts';
import { forbidden } from '../../platform/http/access.ts';
import { ApiRouter } from '../../platform/http/api-router.ts';
import { integer, object, text } from '../../platform/http/fields.ts';
import { refusals, success } from '../../platform/http/responses.ts';
import { handleCommand } from '../command-handler.ts';
import type { RecordedEvent } from '../event-store/event-store.ts';
import { accepted, answer, type CommandApiDependencies, commandRequest, producedData } from './command-request.ts';

export const grantPointsBody = object({ amount: integer(1, maxPointsGrant) });

const pointsGranted = object({ customerId: z.string(), granted: z.int().min(1), balance: z.int().min(0) });

const movementKinds = { PointsGranted: 'granted', PointsSpent: 'spent', PointsRefunded: 'refunded' } as const;

export const pointsView = z.strictObject({
  customerId: z.string(),
  balance: z.int().min(0),
  movements: z.array(
    z.strictObject({
      kind: z.enum(['granted', 'spent', 'refunded']),
      amount: z.int().min(1),
      balance: z.int().min(0).meta({ description: 'the balance after this movement' }),
      orderId: z.string().optional(),
      at: z.iso.datetime(),
      version: z.int().min(0),
    }),
  ),
});

const pointsOf = (customerId: string, events: readonly RecordedEvent[]): z.output<typeof pointsView> => {
  const movements = events.map((event) => {
    const data = event.data as PointsEvent['data'] & { orderId?: string };
    return {
      kind: movementKinds[event.type as PointsEvent['type']],
      amount: data.amount,
      balance: data.balance,
      ...(data.orderId === undefined ? {} : { orderId: data.orderId }),
      at: event.recordedAt.toISOString(),
      version: event.version,
    };
  });
  return { customerId, balance: movements.at(-1)?.balance ?? 0, movements };
};

/**
 * `POST /customers/:id/points` grants loyalty points (202, operators); `GET /customers/:id/points` is the
 * balance and every movement, read from the customer's points stream (a customer: their own only).
 */
export const customersRoutes = (deps: CommandApiDependencies): ApiRouter => {
  const { store, retries } = deps;
  const router = new ApiRouter({ prefix: '/customers', tag: 'customers' });

  router.get(
    '/:id/points',
    {
      summary: "A customer's points balance and every movement, oldest first",
      description: "A customer's token reads its own points only; another customer's is 403.",
      access: 'customer',
      params: object({ id: text() }),
      responses: {
        200: success('Balance and movements (0 and none for a customer without points)', pointsView),
        ...refusals(400),
      },
    },
    async (ctx, { params, actor }) => {
      if (!actsFor(actor, params.id)) throw forbidden('a customer sees only their own points');
      ctx.body = pointsOf(params.id, await store.readStream(pointsStreamId(params.id)));
    },
  );

  router.post(
    '/:id/points',
    {
      summary: "Grant loyalty points to a customer's balance",
      params: object({ id: text() }),
      body: grantPointsBody,
      responses: { 202: accepted('The points are granted', pointsGranted), ...refusals(400, 422) },
    },
    async (ctx, { params, body, actor }) => {
      const customerId = params.id;
      const { metadata, eventMetadata } = commandRequest(ctx, deps, actor);
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

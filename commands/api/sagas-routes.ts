import { z } from 'zod';
import { conflict, isDomainError } from '../../domain/errors.ts';
import { createSagaDecider } from '../../domain/order-saga/decider.ts';
import { sagaStreamId } from '../../domain/order-saga/ids.ts';
import type { SagaInput } from '../../domain/order-saga/inputs.ts';
import type { SagaOptions } from '../../domain/order-saga/options.ts';
import { ApiRouter } from '../../platform/http/api-router.ts';
import { object, optionalText, text } from '../../platform/http/fields.ts';
import { refusals } from '../../platform/http/responses.ts';
import { handleCommand } from '../command-handler.ts';
import type { EventMetadata } from '../event-store/event-store.ts';
import { accepted, actorMetadata, answer, type CommandApiDependencies } from './command-request.ts';

export interface SagasDependencies extends CommandApiDependencies {
  /** The deployment's saga timing (the same settings the saga process reads), so a resumed step is timed alike. */
  sagaOptions?: Partial<SagaOptions>;
}

const sagaAccepted = object({ orderId: z.string(), requested: z.enum(['retry', 'compensate']) });

export const compensateSagaBody = object({ reason: optionalText(500, { multiline: true }) });

/**
 * `POST /sagas/:orderId/retry` and `POST /sagas/:orderId/compensate`: what `ops sagas retry|compensate`
 * does, for operators over HTTP (202). A saga in a state that does not allow it is 409 (the rule that
 * refused names it: `saga_not_stuck`, `saga_already_finished`, `saga_already_compensating`,
 * `order_confirmed`); an order without a saga is 404.
 */
export const sagasRoutes = (deps: SagasDependencies): ApiRouter => {
  const { store, retries, clock, newId } = deps;
  const decider = createSagaDecider(deps.sagaOptions);
  const router = new ApiRouter({ prefix: '/sagas', tag: 'sagas' });

  const request = async (orderId: string, input: Omit<SagaInput, 'metadata'>, eventMetadata: EventMetadata) => {
    const requestId = newId();
    try {
      return await handleCommand({
        store,
        decider,
        streamId: sagaStreamId(orderId),
        command: {
          ...input,
          metadata: {
            commandId: `${input.type === 'RetryRequested' ? 'retry' : 'compensate'}:${requestId}`,
            now: clock().toISOString(),
            correlationId: orderId,
            causationId: `operator:${requestId}`,
          },
        } as SagaInput,
        metadata: eventMetadata,
        retries,
      });
    } catch (error) {
      // The saga exists but its state refuses: a conflict with what it is doing, not a malformed request.
      if (isDomainError(error) && error.code === 'business_rule') throw conflict(error.message, error.rule);
      throw error;
    }
  };

  router.post(
    '/:orderId/retry',
    {
      summary: 'Resume a stuck saga: one more attempt of each stuck step',
      params: object({ orderId: text(200) }),
      responses: { 202: accepted('The saga resumes', sagaAccepted), ...refusals(400, 404, 409) },
    },
    async (ctx, { params, actor }) => {
      const outcome = await request(params.orderId, { type: 'RetryRequested', data: {} }, actorMetadata(actor));
      answer(
        ctx,
        202,
        { orderId: params.orderId, requested: 'retry' },
        { streamId: sagaStreamId(params.orderId), outcome },
      );
    },
  );

  router.post(
    '/:orderId/compensate',
    {
      summary: 'Give up on the order: undo what was done and cancel it',
      params: object({ orderId: text(200) }),
      body: compensateSagaBody,
      responses: { 202: accepted('Compensation starts', sagaAccepted), ...refusals(400, 404, 409) },
    },
    async (ctx, { params, body, actor }) => {
      const reason = body.reason ?? 'operator request';
      const outcome = await request(
        params.orderId,
        { type: 'CompensationRequested', data: { reason } },
        actorMetadata(actor),
      );
      answer(
        ctx,
        202,
        { orderId: params.orderId, requested: 'compensate' },
        { streamId: sagaStreamId(params.orderId), outcome },
      );
    },
  );

  return router;
};

import type { Context } from 'koa';
import type { z } from 'zod';
import type { CommandMetadata } from '../../domain/message.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { ResponseSpec } from '../../platform/http/api-router.ts';
import { success } from '../../platform/http/responses.ts';
import { encodeConsistencyToken } from '../../schemas/consistency-token.ts';
import type { CommandOutcome } from '../command-handler.ts';
import type { EventMetadata, EventStore } from '../event-store/event-store.ts';
import { traceparentFor } from './trace-context.ts';

/** What every route module receives; tests wire their own clock, ids and store. */
export interface CommandApiDependencies {
  store: EventStore;
  clock: () => Date;
  newId: () => string;
  /** Seals card tokens and keys idempotency ids (platform/data-key.ts). */
  dataKey: Buffer;
  /** Attempts of the command handler on a version conflict. */
  retries?: number;
}

export const consistencyTokenHeader = 'X-Consistency-Token';

const correlationPattern = /^[\x21-\x7e]{1,128}$/;

/** Ids and instant of one command, plus the trace context its events will carry. */
export interface CommandRequest {
  metadata: CommandMetadata;
  eventMetadata: EventMetadata;
}

/**
 * `correlationId` is the order for order commands; other commands take the caller's
 * `X-Correlation-Id` when it is usable, else their own command id.
 */
export const commandRequest = (
  ctx: Context,
  { clock, newId }: CommandApiDependencies,
  actor: Actor | undefined,
  ids: { commandId?: string; correlationId?: string } = {},
): CommandRequest => {
  const commandId = ids.commandId ?? newId();
  const header = ctx.get('X-Correlation-Id');
  const correlationId = ids.correlationId ?? (correlationPattern.test(header) ? header : commandId);
  return {
    metadata: { commandId, now: clock().toISOString(), correlationId },
    eventMetadata: { traceparent: traceparentFor(ctx.get('traceparent') || undefined), ...actorMetadata(actor) },
  };
};

/** Who caused an event, for the audit trail (`ops events tail`, Kafka headers `actor-subject`, `actor-role`). */
export const actorMetadata = (actor: Actor | undefined): EventMetadata =>
  actor ? { actorSubject: actor.subject, actorRole: actor.role ?? 'none' } : {};

/**
 * A successful command answer: its status, body and the consistency token naming the stream and
 * version of the last event the command wrote (or found, when repeated), which a query can wait for.
 */
export const answer = (
  ctx: Context,
  status: 201 | 202,
  body: unknown,
  { streamId, outcome }: { streamId: string; outcome: CommandOutcome },
): void => {
  ctx.body = body;
  ctx.status = status;
  ctx.set(consistencyTokenHeader, encodeConsistencyToken({ streamId, version: outcome.nextExpectedVersion }));
};

/** How the OpenAPI document describes a command's success: its body plus the consistency token. */
export const accepted = (description: string, body: z.ZodType): ResponseSpec =>
  success(description, body, {
    [consistencyTokenHeader]: 'Stream and version of the last event the command wrote; pass it to the query API',
  });

/** Data of the event a command produced; the routes' commands always produce one or refuse. */
export const producedData = <Data>(outcome: CommandOutcome): Data => {
  const event = outcome.events[0];
  if (!event) throw new Error('the command produced no event');
  return event.data as Data;
};

import type { z } from 'zod';
import type { ResponseSpec } from './api-router.ts';

const refusalDescriptions: Record<number, string> = {
  400: 'Malformed: `errors` names each field and what is wrong with it',
  401: 'No valid credentials',
  403: 'The credentials do not allow this',
  404: 'The resource addressed does not exist',
  409: 'It exists already, or it kept changing through every retry',
  413: 'The body is over the size limit',
  415: 'The body is not UTF-8 JSON',
  422: 'A business rule refused; `type` names it',
  429: 'Too many requests; `Retry-After` says when to try again',
  503: 'A dependency is down; `Retry-After` says when to try again',
};

/** A successful JSON answer. */
export const success = (description: string, body: z.ZodType, headers?: Record<string, string>): ResponseSpec => ({
  description,
  body,
  ...(headers ? { headers } : {}),
});

/** Problem-details answers an operation can give, by status. */
export const refusals = (...statuses: number[]): Record<number, ResponseSpec> =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: refusalDescriptions[status] ?? 'Refused' } satisfies ResponseSpec,
    ]),
  );

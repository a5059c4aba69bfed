import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import type { FieldError } from '../../domain/errors.ts';

/** RFC 9457 problem details; `type` ends with the name of the rule or check that refused. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

export const problemTypeBase = 'https://errors.orders.local/';

/** The body of every refusal of both APIs, as the OpenAPI documents describe it. */
export const problemSchema = z
  .object({
    type: z.string().meta({ description: `${problemTypeBase}<rule>: the rule or check that refused` }),
    title: z.string(),
    status: z.int().min(400).max(599),
    detail: z.string(),
    errors: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .min(1)
      .optional()
      .meta({ description: 'field-level problems of a 400' }),
  })
  .meta({ title: 'Problem' });

export const problem = (status: number, rule: string, detail: string, errors?: FieldError[]): Problem => ({
  type: `${problemTypeBase}${rule}`,
  title: STATUS_CODES[status] ?? 'Error',
  status,
  detail,
  ...(errors && errors.length > 0 ? { errors } : {}),
});

/**
 * A request refused at the HTTP level (media type, size, framing) before any command exists.
 * Domain refusals stay DomainErrors; this covers the statuses that family has no code for.
 */
export class RequestRefused extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly rule: string,
    message: string,
  ) {
    super(message);
    this.name = 'RequestRefused';
  }
}

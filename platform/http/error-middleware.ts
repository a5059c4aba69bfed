import type { Context, Middleware } from 'koa';
import { type DomainError, type ErrorCode, isDomainError } from '../../domain/errors.ts';
import { logger } from '../logger.ts';
import { unavailableDependencyOf } from '../unavailable.ts';
import { AccessRefused } from './access.ts';
import { type Problem, problem, RequestRefused } from './problem.ts';

/** Seconds a client is told to wait when a dependency is away: a restart of one takes a few. */
export const retryAfterSeconds = 5;

const statusOfCode: Record<ErrorCode, number> = {
  validation: 400,
  not_found: 404,
  conflict: 409,
  business_rule: 422,
};

export type ErrorLogger = (message: string, error: unknown) => void;

/** The answer an API gives to an error of its own adapters (e.g. the store's version conflict); undefined for others. */
export type ProblemOf = (error: unknown) => Problem | undefined;

/** The APIs' default logger: one error line through the process's logger, with the stack. */
export const logUnexpectedError: ErrorLogger = (message, error) => {
  logger().error({ err: error }, message);
};

/**
 * First in the chain and the only place that shapes an error answer. Client mistakes get their
 * 4xx; a dependency that is away (platform/unavailable.ts) a 503 with `Retry-After`; anything unexpected is
 * logged and answered with a bare 500 that leaks no internals.
 */
export const errorMiddleware =
  (log: ErrorLogger, own: ProblemOf = () => undefined): Middleware =>
  async (ctx, next) => {
    try {
      await next();
      if (ctx.status >= 400 && ctx.body == null) send(ctx, unansweredProblem(ctx.status));
    } catch (error) {
      const answer = own(error) ?? problemOf(error);
      if (answer.status === 503) ctx.set('Retry-After', String(retryAfterSeconds));
      else if (answer.status >= 500) log(`${ctx.method} ${ctx.path} failed`, error);
      if (answer.status === 413) ctx.set('Connection', 'close');
      if (error instanceof AccessRefused) ctx.set(error.headers);
      send(ctx, answer);
    }
  };

const send = (ctx: Context, answer: Problem) => {
  ctx.remove('X-Consistency-Token');
  ctx.body = answer;
  ctx.status = answer.status;
  ctx.type = 'application/problem+json';
};

const problemOf = (error: unknown): Problem => {
  if (isDomainError(error)) return domainProblem(error);
  if (error instanceof RequestRefused || error instanceof AccessRefused) {
    return problem(error.status, error.rule, error.message);
  }
  // Koa/http-errors mark client errors as safe to show (`expose`), e.g. a malformed URL.
  const { status, expose, message } = error as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof status === 'number' && status >= 400 && status < 500 && expose === true) {
    return problem(status, 'bad_request', typeof message === 'string' ? message : 'the request was refused');
  }
  const dependency = unavailableDependencyOf(error);
  if (dependency) {
    return problem(503, 'dependency_unavailable', `${dependency} is unavailable; retry in ${retryAfterSeconds} s`);
  }
  return problem(500, 'internal', 'an unexpected error occurred; it has been logged');
};

const domainProblem = (error: DomainError): Problem => {
  const rule = error.rule ?? error.code;
  // The detail names the rule so a human reading only the text still learns which one refused.
  const detail = rule === error.code || error.message.includes(rule) ? error.message : `${rule}: ${error.message}`;
  return problem(statusOfCode[error.code], rule, detail, error.errors);
};

const unansweredProblem = (status: number): Problem => {
  switch (status) {
    case 404:
      return problem(404, 'route_not_found', 'no such resource');
    case 405:
      return problem(405, 'method_not_allowed', 'this resource does not accept that method');
    case 501:
      return problem(501, 'not_implemented', 'this method is not implemented');
    default:
      return problem(status, 'error', 'the request was refused');
  }
};

import Router, { type RouterContext } from '@koa/router';
import type { Middleware } from 'koa';
import type { z } from 'zod';
import { type FieldError, validationError } from '../../domain/errors.ts';
import { isRecord } from '../../domain/validation.ts';
import type { Actor } from '../auth/actor.ts';
import { type Access, defaultAccess, requireAccess } from './access.ts';
import { readJsonBody } from './json-body.ts';
import { check } from './validation.ts';

/** One answer an operation can give, as the OpenAPI document describes it. */
export interface ResponseSpec {
  description: string;
  /** The JSON body; absent for an answer without one (or one that is not JSON, see `contentType`). */
  body?: z.ZodType;
  /** `application/json` by default; `application/problem+json` for refusals. */
  contentType?: string;
  /** Response headers worth documenting, by name. */
  headers?: Record<string, string>;
}

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface OperationSpec<
  P extends Schema | undefined,
  Q extends Schema | undefined,
  H extends Schema | undefined,
  B extends Schema | undefined,
> {
  summary: string;
  description?: string;
  /** Who may call it (platform/http/access.ts); `operator` when not said, so a forgotten route is closed. */
  access?: Access;
  /** Path parameters (`:id`), by name. */
  params?: P;
  /** Query parameters, by name. */
  query?: Q;
  /** Request headers the route reads, by their canonical name (`Idempotency-Key`). */
  headers?: H;
  /** The JSON body; a request without one reads as `{}`, so it is told which fields are required. */
  body?: B;
  responses: Record<number, ResponseSpec>;
}

/** What the document generator reads: an operation with where it is mounted. */
export interface Operation
  extends OperationSpec<Schema | undefined, Schema | undefined, Schema | undefined, Schema | undefined> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** The route as Koa matches it, e.g. `/orders/:id`. */
  path: string;
  tag?: string;
}

export interface RequestInput<P, Q, H, B> {
  /** The verified caller; undefined only on `open` routes. */
  actor: Actor | undefined;
  params: P;
  query: Q;
  headers: H;
  body: B;
}

export type Handler<P, Q, H, B> = (ctx: RouterContext, input: RequestInput<P, Q, H, B>) => unknown;

/**
 * A Koa router whose routes state their request and answers as zod schemas: the same schemas
 * validate each request (one 400 listing every field problem, before the handler runs) and
 * describe the route in the OpenAPI document (`openApiDocument`). Mount it like any router.
 */
export class ApiRouter {
  readonly router: Router;
  readonly operations: Operation[] = [];
  private readonly middleware: Middleware[] = [];

  constructor(private readonly options: { prefix?: string; tag?: string } = {}) {
    this.router = new Router(options.prefix === undefined ? {} : { prefix: options.prefix });
  }

  /** Middleware for every route of this router (e.g. the consistency wait); it runs after the access check. */
  use(middleware: Middleware): this {
    this.middleware.push(middleware);
    return this;
  }

  get<
    P extends Schema | undefined = undefined,
    Q extends Schema | undefined = undefined,
    H extends Schema | undefined = undefined,
  >(path: string, spec: OperationSpec<P, Q, H, undefined>, handler: Handler<Out<P>, Out<Q>, Out<H>, undefined>): this {
    return this.add('get', path, spec, handler);
  }

  post<
    P extends Schema | undefined = undefined,
    Q extends Schema | undefined = undefined,
    H extends Schema | undefined = undefined,
    B extends Schema | undefined = undefined,
  >(path: string, spec: OperationSpec<P, Q, H, B>, handler: Handler<Out<P>, Out<Q>, Out<H>, Out<B>>): this {
    return this.add('post', path, spec, handler);
  }

  delete<
    P extends Schema | undefined = undefined,
    Q extends Schema | undefined = undefined,
    H extends Schema | undefined = undefined,
  >(path: string, spec: OperationSpec<P, Q, H, undefined>, handler: Handler<Out<P>, Out<Q>, Out<H>, undefined>): this {
    return this.add('delete', path, spec, handler);
  }

  routes(): Middleware {
    return this.router.routes() as Middleware;
  }

  allowedMethods(): Middleware {
    return this.router.allowedMethods() as Middleware;
  }

  private add<
    P extends Schema | undefined,
    Q extends Schema | undefined,
    H extends Schema | undefined,
    B extends Schema | undefined,
  >(
    method: Operation['method'],
    path: string,
    spec: OperationSpec<P, Q, H, B>,
    handler: Handler<Out<P>, Out<Q>, Out<H>, Out<B>>,
  ): this {
    const full = `${this.options.prefix ?? ''}${path}`.replace(/(.)\/$/, '$1');
    const access = spec.access ?? defaultAccess;
    this.operations.push({
      ...spec,
      access,
      method,
      path: full,
      ...(this.options.tag ? { tag: this.options.tag } : {}),
    });
    const middleware = this.middleware;
    this.router[method](path, async (ctx) => {
      // Who asks comes before what they ask: no token, no validation answer and no consistency wait.
      const actor = await requireAccess(ctx, access);
      await runInOrder(middleware, ctx, async () => {
        const input = { ...(await readInput(ctx, spec)), actor };
        await handler(ctx, input as RequestInput<Out<P>, Out<Q>, Out<H>, Out<B>>);
      });
    });
    return this;
  }
}

const runInOrder = (middleware: readonly Middleware[], ctx: RouterContext, last: () => Promise<void>) => {
  const step = async (index: number): Promise<void> => {
    const next = middleware[index];
    if (next) await next(ctx, () => step(index + 1));
    else await last();
  };
  return step(0);
};

const details = {
  params: 'the path is not well formed',
  query: 'the query parameters are not well formed',
  headers: 'the request headers are not well formed',
  body: 'the request is not well formed',
} as const;

/** Every part of the request checked by its schema; one 400 lists the problems of all parts. */
const readInput = async (
  ctx: RouterContext,
  spec: OperationSpec<Schema | undefined, Schema | undefined, Schema | undefined, Schema | undefined>,
): Promise<Omit<RequestInput<unknown, unknown, unknown, unknown>, 'actor'>> => {
  const raw = spec.body ? await readJsonBody(ctx) : undefined;
  if (spec.body && raw !== undefined && !isRecord(raw)) {
    throw validationError('the request body must be a JSON object', [
      { field: 'body', message: 'must be a JSON object' },
    ]);
  }
  const headerValues = spec.headers ? headersNamedIn(spec.headers, ctx) : {};
  const parts = {
    params: spec.params ? check(spec.params, { ...ctx.params }) : undefined,
    query: spec.query ? check(spec.query, { ...ctx.query }) : undefined,
    body: spec.body ? check(spec.body, raw ?? {}) : undefined,
    headers: spec.headers ? check(spec.headers, headerValues) : undefined,
  };
  const errors: FieldError[] = [];
  let detail: string | undefined;
  for (const [part, checked] of Object.entries(parts) as [keyof typeof details, (typeof parts)['body']][]) {
    if (checked && !checked.ok) {
      errors.push(...checked.errors);
      detail ??= details[part];
    }
  }
  if (detail !== undefined) throw validationError(detail, errors);
  const value = (checked: (typeof parts)['body']) => (checked?.ok ? checked.value : undefined);
  return {
    params: value(parts.params),
    query: value(parts.query),
    headers: value(parts.headers),
    body: value(parts.body),
  };
};

/** The headers a schema names, absent ones left out (Koa answers `''` for them). */
const headersNamedIn = (schema: Schema, ctx: RouterContext): Record<string, string> => {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape ?? {};
  return Object.fromEntries(
    Object.keys(shape).flatMap((name) => {
      const value = ctx.get(name);
      return value === '' ? [] : [[name, value]];
    }),
  );
};

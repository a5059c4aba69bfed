import { readFileSync } from 'node:fs';
import Router from '@koa/router';
import { z } from 'zod';
import { type Access, defaultAccess } from './access.ts';
import type { ApiRouter, Operation, ResponseSpec } from './api-router.ts';
import { problemSchema } from './problem.ts';

type JsonSchema = Record<string, unknown>;

/** JSON Schema 2020-12 (what OpenAPI 3.1 uses) of a zod schema; `io` picks the request or the answer side. */
export const jsonSchemaOf = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
  return rest as JsonSchema;
};

const propertiesOf = (schema: z.ZodType | undefined): [string, JsonSchema, boolean][] => {
  if (!schema) return [];
  const json = jsonSchemaOf(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => [
    name,
    property,
    json.required?.includes(name) ?? false,
  ]);
};

const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

const responseObject = ({ description, body, contentType, headers }: ResponseSpec, status: number) => {
  const type = contentType ?? (status >= 400 ? 'application/problem+json' : 'application/json');
  const schema = body
    ? jsonSchemaOf(body, 'output')
    : status >= 400
      ? { $ref: '#/components/schemas/Problem' }
      : undefined;
  return {
    description,
    ...(headers
      ? {
          headers: Object.fromEntries(
            Object.entries(headers).map(([name, text]) => [name, { description: text, schema: { type: 'string' } }]),
          ),
        }
      : {}),
    ...(schema || contentType ? { content: { [type]: schema ? { schema } : {} } } : {}),
  };
};

/** What the error middleware may answer on any route. */
const everyOperationMayAnswer: Record<number, ResponseSpec> = {
  500: { description: 'Unexpected; logged, answered without internals' },
  503: { description: 'A dependency is down; `Retry-After` says when to try again' },
};

/** What the access check may answer, by the route's access. */
const accessAnswers = (operation: Operation): Record<number, ResponseSpec> => {
  const access = operation.access ?? defaultAccess;
  if (access === 'open') return {};
  const unauthorized: ResponseSpec = {
    description: 'No valid bearer token: missing, malformed, expired, wrongly signed or issued',
    headers: { 'WWW-Authenticate': '`Bearer realm="orders"`, with `error="invalid_token"` when a token came' },
  };
  return access === 'token'
    ? { 401: unauthorized }
    : { 401: unauthorized, 403: { description: 'The token is valid but does not carry the role this needs' } };
};

const accessNote: Record<Access, string> = {
  open: 'Open: no token needed.',
  token: 'Any valid bearer token.',
  customer: 'Customers (their own resources only) and operators.',
  operator: 'Operators only.',
};

const operationObject = (operation: Operation) => {
  const parameters = [
    ...propertiesOf(operation.params).map(([name, schema]) => ({ name, in: 'path', required: true, schema })),
    ...propertiesOf(operation.query).map(([name, schema, required]) => ({ name, in: 'query', required, schema })),
    ...propertiesOf(operation.headers).map(([name, schema, required]) => ({ name, in: 'header', required, schema })),
  ];
  return {
    summary: operation.summary,
    description: [operation.description, accessNote[operation.access ?? defaultAccess]].filter(Boolean).join('\n\n'),
    security: (operation.access ?? defaultAccess) === 'open' ? [] : [{ bearer: [] }],
    'x-access': operation.access ?? defaultAccess,
    ...(operation.tag ? { tags: [operation.tag] } : {}),
    operationId: `${operation.method}${operationIdOf(operation.path)}`,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(operation.body
      ? {
          requestBody: {
            required: false,
            content: { 'application/json': { schema: jsonSchemaOf(operation.body, 'input') } },
          },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries({ ...everyOperationMayAnswer, ...accessAnswers(operation), ...operation.responses }).map(
        ([status, response]) => [status, responseObject(response, Number(status))],
      ),
    ),
  };
};

const operationIdOf = (path: string) =>
  path
    .split('/')
    .filter(Boolean)
    .map((segment) => segment.replace(/^:/, 'by-'))
    .map((segment) => segment.replace(/(^|[-_])([a-z])/g, (_, __, letter: string) => letter.toUpperCase()))
    .join('') || 'Root';

export interface ApiInfo {
  title: string;
  version: string;
  description?: string;
}

/** The OpenAPI 3.1 document of the routers' operations: the schemas the routes validate with, as JSON Schema. */
export const openApiDocument = (info: ApiInfo, routers: readonly Pick<ApiRouter, 'operations'>[]) => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of routers.flatMap((router) => router.operations)) {
    const path = openApiPath(operation.path);
    paths[path] = { ...paths[path], [operation.method]: operationObject(operation) };
  }
  return {
    openapi: '3.1.0',
    info,
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    security: [{ bearer: [] }],
    components: {
      schemas: { Problem: jsonSchemaOf(problemSchema, 'output') },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A JWT whose `roles` (or `role`) claim names customer or operator; docs/security.md',
        },
      },
    },
  };
};

export type OpenApiDocument = ReturnType<typeof openApiDocument>;

const docsAssets: Record<string, { file: string; type: string }> = {
  '/docs': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/docs/api-docs.js': { file: 'api-docs.js', type: 'text/javascript; charset=utf-8' },
  '/docs/api-docs.css': { file: 'api-docs.css', type: 'text/css; charset=utf-8' },
};

/**
 * `GET /openapi.json` (the document) and `GET /docs` (a page that renders it). The page is ours and
 * self-contained: these machines reach no CDN, and it needs nothing but this API (docs/api-contracts.md).
 */
export const openApiRoutes = (document: () => OpenApiDocument): Router => {
  const router = new Router();
  let json: string | undefined;
  router.get('/openapi.json', (ctx) => {
    json ??= JSON.stringify(document());
    ctx.type = 'application/json';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = json;
  });
  for (const [path, { file, type }] of Object.entries(docsAssets)) {
    const content = readFileSync(new URL(`./api-docs/${file}`, import.meta.url));
    router.get(path, (ctx) => {
      ctx.type = type;
      ctx.set('Cache-Control', 'no-cache');
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.set('Content-Security-Policy', "default-src 'self'; frame-ancestors 'none'");
      ctx.body = content;
    });
  }
  return router;
};

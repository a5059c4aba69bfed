import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';
import { ApiRouter } from './api-router.ts';
import { integer, object, text } from './fields.ts';
import { openApiDocument } from './openapi.ts';
import { refusals, success } from './responses.ts';
import { openApiConformance } from './testing/openapi-conformance.ts';

const router = new ApiRouter({ prefix: '/things', tag: 'things' });
router.post(
  '/:id',
  {
    summary: 'Make a thing',
    params: object({ id: text() }),
    body: object({ size: integer(1, 9) }),
    responses: { 201: success('Made', z.strictObject({ id: z.string(), size: z.int() })), ...refusals(400) },
  },
  () => undefined,
);
const document = openApiDocument({ title: 'Things', version: '1' }, [router]);
const json = new Headers({ 'content-type': 'application/json; charset=utf-8' });
const problemJson = new Headers({ 'content-type': 'application/problem+json' });

const openapi = suite('OpenAPI document from the route schemas');

openapi('describes path parameters, the body and the answers with the route schemas', () => {
  const operation = document.paths['/things/{id}']?.post as Record<string, unknown> & {
    parameters: unknown[];
    requestBody: { content: { 'application/json': { schema: unknown } } };
  };
  assert.equal(operation.parameters, [
    { name: 'id', in: 'path', required: true, schema: { type: 'string', maxLength: 64 } },
  ]);
  assert.equal(operation.requestBody.content['application/json'].schema, {
    type: 'object',
    properties: { size: { type: 'integer', minimum: 1, maximum: 9 } },
    required: ['size'],
  });
});

openapi('conformance passes a matching answer and names what does not match', () => {
  const conformance = openApiConformance(document);
  assert.equal(conformance.uncovered(), ['POST /things/{id}']);
  conformance.check('post', '/things/{id}', { status: 201, headers: json, body: { id: 'a', size: 3 } });
  const problem = { type: 'https://errors.orders.local/validation', title: 'Bad Request', status: 400, detail: 'x' };
  conformance.check('post', '/things/{id}', { status: 400, headers: problemJson, body: problem });
  assert.equal(conformance.uncovered(), []);
  assert.throws(
    () => conformance.check('post', '/things/{id}', { status: 201, headers: json, body: { id: 'a' } }),
    /size/,
  );
  assert.throws(
    () =>
      conformance.check('post', '/things/{id}', { status: 201, headers: json, body: { id: 'a', size: 3, extra: 1 } }),
    /additional/,
  );
  assert.throws(
    () => conformance.check('post', '/things/{id}', { status: 409, headers: problemJson, body: problem }),
    /not documented/,
  );
  assert.throws(
    () => conformance.check('post', '/things/{id}', { status: 400, headers: json, body: problem }),
    /content type/,
  );
  assert.throws(
    () => conformance.check('get', '/things/{id}', { status: 200, headers: json, body: {} }),
    /not in the document/,
  );
});

openapi.run();

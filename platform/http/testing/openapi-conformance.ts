import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { OpenApiDocument } from '../openapi.ts';

export interface SeenAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

interface MediaType {
  schema?: Record<string, unknown>;
}
interface ResponseObject {
  content?: Record<string, MediaType>;
  headers?: Record<string, unknown>;
}
interface OperationObject {
  responses: Record<string, ResponseObject>;
}

/**
 * Checks real answers against an API's OpenAPI document: the status is documented for the route,
 * the content type is the documented one, and a JSON body validates against the documented schema
 * (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses). `uncovered()` lists the operations no answer
 * exercised, so a route added without a conformance check fails the test.
 */
export const openApiConformance = (document: OpenApiDocument) => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ ...document, $id: 'openapi.json' });
  const validators = new Map<string, ValidateFunction>();
  const covered = new Set<string>();

  const operationOf = (method: string, path: string): OperationObject => {
    const operation = (document.paths[path] as Record<string, OperationObject> | undefined)?.[method];
    if (!operation) throw new Error(`${method.toUpperCase()} ${path} is not in the document`);
    return operation;
  };

  return {
    /** Throws with the reason when `answer` does not conform to `method path` (an OpenAPI path, `/orders/{id}`). */
    check(method: string, path: string, answer: SeenAnswer): void {
      const operation = operationOf(method, path);
      const response = operation.responses[String(answer.status)];
      const where = `${method.toUpperCase()} ${path} ${answer.status}`;
      if (!response) throw new Error(`${where}: status not documented (${JSON.stringify(answer.body)})`);
      covered.add(`${method} ${path}`);
      const contentType = (answer.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
      const media = response.content ? Object.keys(response.content) : [];
      if (media.length === 0) return;
      if (!media.includes(contentType)) throw new Error(`${where}: content type ${contentType}, documented ${media}`);
      if (!response.content?.[contentType]?.schema) return;
      const pointer = `openapi.json#/paths/${pointerSegment(path)}/${method}/responses/${answer.status}/content/${pointerSegment(contentType)}/schema`;
      let validate = validators.get(pointer);
      if (!validate) {
        validate = ajv.getSchema(pointer);
        if (!validate) throw new Error(`${where}: no schema at ${pointer}`);
        validators.set(pointer, validate);
      }
      if (!validate(answer.body)) {
        throw new Error(
          `${where}: body does not match: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(answer.body)}`,
        );
      }
    },
    /** Operations of the document no checked answer exercised. */
    uncovered(): string[] {
      return Object.entries(document.paths).flatMap(([path, methods]) =>
        Object.keys(methods)
          .filter((method) => !covered.has(`${method} ${path}`))
          .map((method) => `${method.toUpperCase()} ${path}`),
      );
    },
  };
};

/** JSON pointer escaping of one segment (`/` and `~`), then URI escaping of what a fragment cannot hold. */
const pointerSegment = (segment: string) => encodeURIComponent(segment.replaceAll('~', '~0').replaceAll('/', '~1'));

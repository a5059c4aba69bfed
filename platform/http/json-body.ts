import type { Context } from 'koa';
import { RequestRefused } from './problem.ts';

export const jsonBodyLimitBytes = 64 * 1024;

/**
 * The request body as parsed JSON, or `undefined` when the request carries none. Only JSON is
 * accepted (415 otherwise), at most `limit` bytes (413, checked on the declared length and again
 * while reading, since chunked bodies declare none), and it must parse (400).
 */
export const readJsonBody = async (ctx: Context, limit = jsonBodyLimitBytes): Promise<unknown> => {
  const declaredLength = ctx.request.length;
  const chunked = ctx.get('Transfer-Encoding') !== '';
  if (!chunked && !declaredLength) return undefined;

  if (!ctx.request.is('application/json', '+json')) {
    throw new RequestRefused(415, 'unsupported_media_type', 'the request body must be application/json');
  }
  const charset = ctx.request.charset.toLowerCase();
  if (charset !== '' && charset !== 'utf-8' && charset !== 'utf8') {
    throw new RequestRefused(415, 'unsupported_media_type', `charset ${charset} is not accepted, use utf-8`);
  }
  const encoding = ctx.get('Content-Encoding');
  if (encoding !== '' && encoding !== 'identity') {
    throw new RequestRefused(415, 'unsupported_media_type', `content encoding ${encoding} is not accepted`);
  }
  if (declaredLength !== undefined && declaredLength > limit) throw tooLarge(limit);

  const text = decodeUtf8(await readRaw(ctx, limit));
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RequestRefused(400, 'malformed_json', `the body is not valid JSON: ${(error as Error).message}`);
  }
};

const tooLarge = (limit: number) =>
  new RequestRefused(413, 'payload_too_large', `the request body exceeds ${limit} bytes`);

const readRaw = (ctx: Context, limit: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const request = ctx.req;
    const chunks: Buffer[] = [];
    let received = 0;
    const stop = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('aborted', onAborted);
    };
    // On overflow the rest keeps flowing and is discarded; the 413 answer then closes the connection.
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        stop();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      stop();
      reject(new RequestRefused(400, 'incomplete_body', `the request body could not be read: ${error.message}`));
    };
    const onAborted = () => onError(new Error('the client aborted the request'));
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('aborted', onAborted);
  });

const decodeUtf8 = (bytes: Buffer): string => {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new RequestRefused(400, 'malformed_json', 'the body is not valid UTF-8');
  }
};

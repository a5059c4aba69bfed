import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isLocalName, isPrivateAddress } from '../../commands/webhooks/private-address.ts';
import type { SignedHeaders } from '../../commands/webhooks/webhook-signature.ts';
import type { AttemptResult } from '../../domain/notification/delivery-policy.ts';

export interface WebhookPostOptions {
  timeoutMs: number;
  /** WEBHOOK_ALLOW_PRIVATE=true: private, loopback and link-local hosts may be reached. */
  allowPrivate: boolean;
}

class PrivateAddressError extends Error {
  override name = 'PrivateAddressError';
}

/**
 * DNS as usual, but an answer inside the network fails the connection: a name that pointed outside
 * when it was subscribed and was re-pointed inside later (DNS rebinding) is caught here, per connection.
 */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...(options as LookupOptions), all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return (callback as (e: Error) => void)(error);
    const inside = addresses.find((entry) => isPrivateAddress(entry.address));
    if (inside)
      return (callback as (e: Error) => void)(new PrivateAddressError(`${hostname} resolves to ${inside.address}`));
    if ((options as LookupOptions).all) return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0]!;
    (callback as (e: null, a: string, f: number) => void)(null, first.address, first.family);
  });
};

const firstHeader = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * One attempt: POST the body with its signed headers and wait for the status, at most `timeoutMs`
 * for everything (connection, answer, body). Redirects are never followed (a 3xx is the answer).
 * Resolves with what happened; never rejects.
 */
export const postWebhook = (
  url: string,
  body: string,
  signed: SignedHeaders,
  { timeoutMs, allowPrivate }: WebhookPostOptions,
): Promise<AttemptResult> =>
  new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ kind: 'refused', error: `not a URL: ${url}` });
      return;
    }
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (!allowPrivate && (isLocalName(host) || isPrivateAddress(host))) {
      resolve({ kind: 'refused', error: `${host} is a private, loopback or link-local address` });
      return;
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    const settle = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(result);
    };
    const request = send(target, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'user-agent': 'order-backend-webhooks/1',
        ...signed,
      },
      ...(allowPrivate ? {} : { lookup: guardedLookup }),
      // A fresh connection per attempt: a dead receiver's socket is never reused for another.
      agent: false,
    });
    const timer = setTimeout(() => settle({ kind: 'timeout' }), timeoutMs);
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      const retryAfter = firstHeader(response.headers, 'retry-after');
      // The answer's body is read and dropped (keeps the receiver's side of the exchange well-formed).
      response.on('data', () => undefined);
      response.on('end', () => settle({ kind: 'answered', status, ...(retryAfter ? { retryAfter } : {}) }));
      response.on('error', () => settle({ kind: 'answered', status, ...(retryAfter ? { retryAfter } : {}) }));
    });
    request.on('error', (error) =>
      settle(
        error instanceof PrivateAddressError
          ? { kind: 'refused', error: error.message }
          : { kind: 'unreachable', error: `${(error as NodeJS.ErrnoException).code ?? error.name}: ${error.message}` },
      ),
    );
    request.end(body);
  });

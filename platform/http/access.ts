import type { Context, Middleware } from 'koa';
import type { Actor } from '../auth/actor.ts';
import { InvalidToken, type TokenVerifier } from '../auth/token-verifier.ts';

/**
 * Who may call a route (docs/security.md):
 * - `open`: anyone, no token (health, the API documents, the dashboard's static page);
 * - `token`: any valid token, whatever its role;
 * - `customer`: customers and operators; the handler keeps a customer to their own resources;
 * - `operator`: operators only. The default, so a route nobody thought about is closed.
 */
export type Access = 'open' | 'token' | 'customer' | 'operator';

export const defaultAccess: Access = 'operator';

export const bearerRealm = 'orders';

/** 401, 403 and 429: refusals about the caller rather than the request, with the headers they need. */
export class AccessRefused extends Error {
  override name = 'AccessRefused';
  constructor(
    readonly status: 401 | 403 | 429,
    readonly rule: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const quoted = (text: string) => `"${text.replace(/["\\]/g, '')}"`;

/** RFC 6750: no `error` when no credentials came; `invalid_token` when the ones that came do not hold. */
export const unauthenticated = (reason?: string): AccessRefused =>
  new AccessRefused(
    401,
    reason === undefined ? 'unauthenticated' : 'invalid_token',
    reason ?? 'a bearer token is required',
    {
      'WWW-Authenticate':
        reason === undefined
          ? `Bearer realm=${quoted(bearerRealm)}`
          : `Bearer realm=${quoted(bearerRealm)}, error="invalid_token", error_description=${quoted(reason)}`,
    },
  );

export const forbidden = (message: string): AccessRefused => new AccessRefused(403, 'forbidden', message);

const stateKey = Symbol('actor');

type ActorLookup = () => Promise<Actor | undefined>;

/**
 * Reads the bearer token of every request lazily: a route that needs an actor verifies it once
 * (`actorOf`); an open route never pays for it. Install it once per app, after the error middleware.
 */
export const authentication =
  (verify: TokenVerifier): Middleware =>
  async (ctx, next) => {
    let verified: Promise<Actor | undefined> | undefined;
    const lookup: ActorLookup = () => {
      verified ??= verifyHeader(verify, ctx.get('Authorization'));
      return verified;
    };
    (ctx.state as Record<symbol, ActorLookup>)[stateKey] = lookup;
    await next();
  };

const verifyHeader = async (verify: TokenVerifier, header: string): Promise<Actor | undefined> => {
  const match = /^Bearer[ ]+([^ ]*)[ ]*$/i.exec(header);
  if (!match) return undefined;
  if (!match[1]) throw unauthenticated('the bearer token is empty');
  try {
    return await verify(match[1]);
  } catch (error) {
    throw error instanceof InvalidToken ? unauthenticated(error.message) : error;
  }
};

/** The request's verified actor, or undefined when it carries no bearer token (or no authentication is installed). */
export const actorOf = async (ctx: Context): Promise<Actor | undefined> => {
  const lookup = (ctx.state as Record<symbol, ActorLookup | undefined>)[stateKey];
  return lookup ? lookup() : undefined;
};

/** The actor a route's access asks for; 401 without a valid token, 403 without the role. */
export const requireAccess = async (ctx: Context, access: Access): Promise<Actor | undefined> => {
  if (access === 'open') return undefined;
  const actor = await actorOf(ctx);
  if (!actor) throw unauthenticated();
  if (access === 'token') return actor;
  if (actor.role === 'operator') return actor;
  if (access === 'customer' && actor.role === 'customer') return actor;
  throw forbidden(`this needs the ${access === 'customer' ? 'customer or operator' : 'operator'} role`);
};

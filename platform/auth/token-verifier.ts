import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { ServiceUnavailable } from '../unavailable.ts';
import { type Actor, roleOfClaims } from './actor.ts';
import { type AuthSettings, algorithmsOf } from './auth-settings.ts';

/** A token that does not prove who sent it; `reason` is safe to show the client. */
export class InvalidToken extends Error {
  override name = 'InvalidToken';
}

/** Resolves the actor of a valid token; throws InvalidToken for any token that is not (or a 503 when the JWKS is away). */
export type TokenVerifier = (token: string) => Promise<Actor>;

/**
 * Strict checks with jose: a signature by the configured key with one of its algorithms (never `none`),
 * `exp` present and in the future, `sub` present, and `iss`/`aud` when configured.
 */
export const tokenVerifier = (settings: AuthSettings): TokenVerifier => {
  const { keys, issuer, audience } = settings;
  const key: Uint8Array | JWTVerifyGetKey =
    keys.kind === 'secret' ? keys.secret : createRemoteJWKSet(keys.url, { timeoutDuration: 3_000 });
  const options = {
    algorithms: algorithmsOf(keys),
    requiredClaims: ['exp', 'sub'],
    ...(issuer === undefined ? {} : { issuer }),
    ...(audience === undefined ? {} : { audience }),
  };
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, key as Uint8Array, options);
      const subject = payload.sub as string;
      if (typeof subject !== 'string' || subject.trim() === '') throw new InvalidToken('the token names no subject');
      const role = roleOfClaims(payload as { roles?: unknown; role?: unknown });
      return role === undefined ? { subject } : { subject, role };
    } catch (error) {
      throw refusalOf(error, keys.kind === 'jwks');
    }
  };
};

const refusalOf = (error: unknown, fetchesKeys: boolean): Error => {
  if (error instanceof InvalidToken) return error;
  if (error instanceof errors.JWTExpired) return new InvalidToken('the token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new InvalidToken(`the token's ${error.claim} claim is not accepted`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new InvalidToken('the token is signed with an algorithm this API does not accept');
  }
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return new InvalidToken('the token signature does not verify');
  }
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSENotSupported
  ) {
    return new InvalidToken('the token is malformed');
  }
  // Anything else while keys come from the identity provider is its JWKS not answering (timeout, socket,
  // not 200, not a key set): the provider is away, the token is not shown wrong, so 503 rather than 401.
  if (fetchesKeys)
    return new ServiceUnavailable('identity-provider', 'the identity provider could not be reached', { cause: error });
  return new InvalidToken('the token is malformed');
};

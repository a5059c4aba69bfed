import { SignJWT } from 'jose';
import type { Role } from './actor.ts';
import type { AuthSettings } from './auth-settings.ts';

export interface TokenRequest {
  subject: string;
  role: Role;
  ttlSeconds: number;
  now?: Date;
}

/** An HS256 token the APIs accept under these settings; only a shared secret can sign, a JWKS cannot. */
export const mintToken = async (settings: AuthSettings, request: TokenRequest): Promise<string> => {
  if (settings.keys.kind !== 'secret') {
    throw new Error('only AUTH_JWKS_URL is configured: tokens come from the identity provider, this cannot sign');
  }
  const issuedAt = Math.floor((request.now ?? new Date()).getTime() / 1000);
  const jwt = new SignJWT({ roles: [request.role] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(request.subject)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + request.ttlSeconds);
  if (settings.issuer !== undefined) jwt.setIssuer(settings.issuer);
  if (settings.audience !== undefined) jwt.setAudience(settings.audience);
  return jwt.sign(settings.keys.secret);
};

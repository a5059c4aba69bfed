import { randomBytes } from 'node:crypto';
import type { Role } from '../../platform/auth/actor.ts';
import type { AuthSettings } from '../../platform/auth/auth-settings.ts';
import { mintToken } from '../../platform/auth/token-minter.ts';
import { type TokenVerifier, tokenVerifier } from '../../platform/auth/token-verifier.ts';

/** A key of a test's own, the verifier an API under test uses, and tokens it accepts. */
export interface TestTokens {
  settings: AuthSettings;
  /** The secret as text, for a child process's `AUTH_JWT_SECRET`. */
  secretText: string;
  verifyToken: TokenVerifier;
  token(role: Role, subject: string, ttlSeconds?: number): Promise<string>;
  /** `{ authorization: 'Bearer …' }` for that role and subject. */
  bearer(role: Role, subject: string): Promise<Record<string, string>>;
}

export const testTokens = (claims: { issuer?: string; audience?: string } = {}): TestTokens => {
  const secretText = randomBytes(32).toString('hex');
  const settings: AuthSettings = {
    keys: { kind: 'secret', secret: new TextEncoder().encode(secretText), source: 'environment' },
    ...claims,
  };
  const token = (role: Role, subject: string, ttlSeconds = 3_600) => mintToken(settings, { role, subject, ttlSeconds });
  return {
    settings,
    secretText,
    verifyToken: tokenVerifier(settings),
    token,
    bearer: async (role, subject) => ({ authorization: `Bearer ${await token(role, subject)}` }),
  };
};

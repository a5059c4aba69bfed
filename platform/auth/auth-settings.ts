/**
 * How tokens are checked: one HS256 shared secret (`AUTH_JWT_SECRET`, or the local development key that
 * `stack:up` writes) or the JSON Web Key Set of an identity provider (`AUTH_JWKS_URL`, RS256/ES256).
 * deploy/auth-config.ts reads them from the environment.
 */
export type TokenKeys =
  | {
      kind: 'secret';
      secret: Uint8Array;
      /** `local-file`: the random development key of the run folder, never meant for anything shared. */
      source: 'environment' | 'local-file';
    }
  | { kind: 'jwks'; url: URL };

export interface AuthSettings {
  keys: TokenKeys;
  /** Checked (`iss`) when set. */
  issuer?: string;
  /** Checked (`aud`) when set. */
  audience?: string;
}

/** The algorithms each kind of key accepts; anything else (`none` included) is refused. */
export const algorithmsOf = (keys: TokenKeys): string[] => (keys.kind === 'secret' ? ['HS256'] : ['RS256', 'ES256']);

/** HS256 wants at least as many key bits as the hash: 32 bytes. */
export const minimumSecretBytes = 32;

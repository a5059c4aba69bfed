import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AuthSettings, minimumSecretBytes } from '../platform/auth/auth-settings.ts';
import { runDirOf } from './local/run-state.ts';

/**
 * The token keys of the APIs and the CLI (docs/security.md). `AUTH_JWT_SECRET` (HS256) or `AUTH_JWKS_URL`
 * (RS256/ES256 from an identity provider); with neither, the local development key that `stack:up` wrote
 * into the git-ignored run folder. No key is ever written in the source.
 */
export class AuthConfigError extends Error {
  override name = 'AuthConfigError';
}

/** The random development keys `stack:up` creates (mode 600): the token secret and the data key. */
export const localAuthSecretFile = (runDir: string) => join(runDir, 'auth-secret');
export const localDataKeyFile = (runDir: string) => join(runDir, 'data-key');

const setting = (env: NodeJS.ProcessEnv, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
};

const readLocalKey = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
};

export const loadAuthSettings = (env: NodeJS.ProcessEnv = process.env): AuthSettings => {
  const secret = setting(env, 'AUTH_JWT_SECRET');
  const jwksUrl = setting(env, 'AUTH_JWKS_URL');
  const issuer = setting(env, 'AUTH_ISSUER');
  const audience = setting(env, 'AUTH_AUDIENCE');
  const claims = { ...(issuer === undefined ? {} : { issuer }), ...(audience === undefined ? {} : { audience }) };
  if (secret !== undefined && jwksUrl !== undefined) {
    throw new AuthConfigError('set AUTH_JWT_SECRET or AUTH_JWKS_URL, not both');
  }
  if (jwksUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(jwksUrl);
    } catch {
      throw new AuthConfigError(`AUTH_JWKS_URL must be a URL, got "${jwksUrl}"`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new AuthConfigError(`AUTH_JWKS_URL must be an http(s) URL, got "${jwksUrl}"`);
    }
    return { keys: { kind: 'jwks', url }, ...claims };
  }
  if (secret !== undefined)
    return {
      keys: { kind: 'secret', secret: secretBytes(secret, 'AUTH_JWT_SECRET'), source: 'environment' },
      ...claims,
    };
  const file = localAuthSecretFile(runDirOf(env));
  const local = readLocalKey(file);
  if (local === undefined) {
    throw new AuthConfigError(
      `no token key: set AUTH_JWT_SECRET or AUTH_JWKS_URL, or run npm run stack:up to create a local development key (${file})`,
    );
  }
  return { keys: { kind: 'secret', secret: secretBytes(local, file), source: 'local-file' }, ...claims };
};

const secretBytes = (text: string, from: string): Uint8Array => {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length < minimumSecretBytes) {
    throw new AuthConfigError(`${from} must be at least ${minimumSecretBytes} bytes (e.g. openssl rand -hex 32)`);
  }
  return bytes;
};

/**
 * The key that encrypts card and BNPL tokens before they are stored (AES-256-GCM): `DATA_KEY` as 64 hex
 * characters, or the local development key of the run folder.
 */
export const loadDataKey = (env: NodeJS.ProcessEnv = process.env): Buffer => {
  const configured = setting(env, 'DATA_KEY');
  const file = localDataKeyFile(runDirOf(env));
  const text = configured ?? readLocalKey(file);
  if (text === undefined) {
    throw new AuthConfigError(
      `no data key: set DATA_KEY (64 hex characters) or run npm run stack:up to create ${file}`,
    );
  }
  if (!/^[0-9a-fA-F]{64}$/.test(text)) {
    throw new AuthConfigError(`${configured === undefined ? file : 'DATA_KEY'} must be 64 hex characters (32 bytes)`);
  }
  return Buffer.from(text, 'hex');
};

/** Creates the local development keys that are missing (mode 600); answers which it created. */
export const ensureLocalKeys = (runDir: string): string[] => {
  mkdirSync(runDir, { recursive: true });
  const created: string[] = [];
  for (const file of [localAuthSecretFile(runDir), localDataKeyFile(runDir)]) {
    try {
      writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
      created.push(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    }
  }
  return created;
};

import { loadAuthSettings } from '../deploy/auth-config.ts';
import { type Role, roles } from '../platform/auth/actor.ts';
import { mintToken } from '../platform/auth/token-minter.ts';
import { failedError, usageError } from './cli-error.ts';
import type { CommandHandler } from './command.ts';
import { optionText } from './command-args.ts';
import { parseDuration } from './duration.ts';

/** Longest lifetime a development token may be given. */
const maxTtlMs = 30 * 86_400_000;

/**
 * `auth token --role customer|operator --subject <id> [--ttl 1h]`: a token signed with the configured
 * secret (or the local development key), alone on one line of stdout, so `TOKEN=$(…)` works.
 */
export const mintTokenCommand: CommandHandler = async (context) => {
  const role = optionText(context.args, 'role');
  if (!roles.some((known) => known === role)) throw usageError(`--role must be one of ${roles.join(', ')}`);
  const subject = optionText(context.args, 'subject')?.trim();
  if (!subject) throw usageError('--subject <id> is required (the customer id, or who the operator is)');
  const control = [...subject].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);
  if (subject.length > 200 || control) {
    throw usageError('--subject must be at most 200 printable characters');
  }
  const ttlMs = parseDuration(optionText(context.args, 'ttl') ?? '1h');
  if (ttlMs < 1_000 || ttlMs > maxTtlMs) throw usageError('--ttl must be from 1s to 30d');
  let settings: ReturnType<typeof loadAuthSettings>;
  try {
    settings = loadAuthSettings();
  } catch (error) {
    throw failedError((error as Error).message);
  }
  if (settings.keys.kind !== 'secret') {
    throw failedError('only AUTH_JWKS_URL is configured: get tokens from the identity provider (this CLI cannot sign)');
  }
  const token = await mintToken(settings, { role: role as Role, subject, ttlSeconds: Math.floor(ttlMs / 1000) });
  context.print(
    context.json ? JSON.stringify({ token, role, subject, expiresInSeconds: Math.floor(ttlMs / 1000) }) : token,
  );
  return undefined;
};

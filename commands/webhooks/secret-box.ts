import { seal, unseal } from '../../platform/data-key.ts';

/**
 * How a signing secret rests in `webhook_subscriptions.secret`: sealed under the data key (`DATA_KEY`, or
 * the local development key; deploy/auth-config.ts) with AES-256-GCM, `sealed:v1:...`. The command API
 * seals it once; the notifier opens it for each attempt.
 */
export interface SecretBox {
  seal(secret: string): string;
  /** Throws when the value was sealed under another key or altered. */
  open(stored: string): string;
}

export const secretBox = (dataKey: Buffer): SecretBox => ({
  seal: (secret) => seal(dataKey, secret),
  open: (stored) => unseal(dataKey, stored),
});

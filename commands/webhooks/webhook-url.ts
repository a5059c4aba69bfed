import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { DomainError } from '../../domain/errors.ts';
import { isLocalName, isPrivateAddress } from './private-address.ts';

/** The rule a refused webhook URL names in its problem `type`. */
export const privateHostRule = 'webhook_url_private_host';

export interface WebhookUrlPolicy {
  /** WEBHOOK_ALLOW_PRIVATE=true: private, loopback and link-local hosts allowed (local development, tests). */
  allowPrivate: boolean;
  /** Resolves a name to its addresses; DNS by default. */
  resolve?: (host: string) => Promise<string[]>;
}

const dnsResolve = async (host: string): Promise<string[]> =>
  (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

const refused = (message: string) =>
  new DomainError('validation', `${privateHostRule}: ${message}`, privateHostRule, [{ field: 'url', message }]);

const ruleText = (host: string) =>
  `must not point at a private, loopback or link-local address (${host}); WEBHOOK_ALLOW_PRIVATE=true allows it for local development`;

/**
 * Refuses a URL whose host is, or resolves to, an address inside the network (400 naming the rule).
 * A name that does not resolve is refused too: nothing could be delivered to it. The notifier checks
 * the address again at each connection, so a name re-pointed later (DNS rebinding) is caught there.
 */
export const checkWebhookHost = async (url: URL, policy: WebhookUrlPolicy): Promise<void> => {
  if (policy.allowPrivate) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isLocalName(host) || isPrivateAddress(host)) throw refused(ruleText(host));
  if (isIP(host) !== 0) return;
  let addresses: string[];
  try {
    addresses = await (policy.resolve ?? dnsResolve)(host);
  } catch {
    throw new DomainError('validation', `the host ${host} does not resolve`, 'webhook_url_unresolvable', [
      { field: 'url', message: `host ${host} does not resolve` },
    ]);
  }
  const inside = addresses.find(isPrivateAddress);
  if (inside !== undefined) throw refused(ruleText(`${host} is ${inside}`));
};

/** The roles a token can carry (claim `roles`, a list, or `role`, one name); docs/security.md. */
export const roles = ['customer', 'operator'] as const;
export type Role = (typeof roles)[number];

/** Who sent a request, as a verified token says: its subject and the strongest role it holds. */
export interface Actor {
  subject: string;
  /** Undefined for a valid token that holds neither role: it may use only what any valid token may. */
  role?: Role;
}

export const isOperator = (actor: Actor | undefined): boolean => actor?.role === 'operator';

/** An operator acts for anyone; a customer only for the customer id that is their subject. */
export const actsFor = (actor: Actor | undefined, customerId: string): boolean =>
  actor !== undefined && (actor.role === 'operator' || (actor.role === 'customer' && actor.subject === customerId));

/** The role a token's claims grant: `operator` wins over `customer`; unknown names are ignored. */
export const roleOfClaims = (claims: { roles?: unknown; role?: unknown }): Role | undefined => {
  const named = [
    ...(Array.isArray(claims.roles) ? claims.roles : typeof claims.roles === 'string' ? [claims.roles] : []),
    ...(typeof claims.role === 'string' ? [claims.role] : []),
  ];
  if (named.includes('operator')) return 'operator';
  if (named.includes('customer')) return 'customer';
  return undefined;
};

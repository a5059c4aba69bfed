import { type Actor, isOperator } from '../platform/auth/actor.ts';
import { forbidden } from '../platform/http/access.ts';

/**
 * The customer a list is limited to: whatever an operator asked for (maybe none); a customer's own id,
 * whether they named it or left it out. Naming another customer is refused (403).
 */
export const customerScope = (actor: Actor | undefined, asked: string | undefined): string | undefined => {
  if (isOperator(actor)) return asked;
  if (asked !== undefined && asked !== actor?.subject) throw forbidden('a customer sees only their own orders');
  return actor?.subject;
};

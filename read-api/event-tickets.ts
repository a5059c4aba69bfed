import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type Actor, roles } from '../platform/auth/actor.ts';

/**
 * Single-use tickets that open one dashboard event stream. A browser's EventSource cannot send an
 * `Authorization` header, and a bearer token in a URL would outlive the request in logs and history;
 * a ticket is random, lives `ttlSeconds`, and is spent by the first stream that presents it. They live
 * in Redis, so any instance of the query API can redeem a ticket another issued.
 */
export interface EventTickets {
  issue(actor: Actor): Promise<string>;
  /** The actor the ticket was issued to, once; undefined for an unknown, expired or spent ticket. */
  redeem(ticket: string): Promise<Actor | undefined>;
  ttlSeconds: number;
}

const ticketPattern = /^[A-Za-z0-9_-]{43}$/;

export const redisEventTickets = (redis: Redis, redisPrefix: string, ttlSeconds = 30): EventTickets => {
  const keyOf = (ticket: string) => `${redisPrefix}event-ticket:${ticket}`;
  return {
    ttlSeconds,
    issue: async (actor) => {
      const ticket = randomBytes(32).toString('base64url');
      await redis.set(keyOf(ticket), JSON.stringify(actor), 'EX', ttlSeconds);
      return ticket;
    },
    redeem: async (ticket) => {
      if (!ticketPattern.test(ticket)) return undefined;
      const stored = await redis.getdel(keyOf(ticket));
      if (stored === null) return undefined;
      const actor = JSON.parse(stored) as Actor;
      return typeof actor.subject === 'string' && roles.some((role) => role === actor.role) ? actor : undefined;
    },
  };
};

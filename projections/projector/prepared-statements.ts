import { createHash } from 'node:crypto';
import type pg from 'pg';

/** A name per distinct statement text, stable across connections and processes. */
export const statementName = (text: string, prefix: string): string =>
  `${prefix}${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;

/**
 * The client, with every parameterised statement sent as a named (prepared) one: PostgreSQL parses and
 * plans each distinct statement once per connection instead of once per call. Handlers send the same few
 * statements again and again, so this is most of what a prepared statement saves.
 */
export const preparingQueries = (client: pg.PoolClient, nameOf: (text: string) => string): pg.PoolClient =>
  new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'query') return Reflect.get(target, property, receiver);
      return (text: unknown, values?: unknown) => {
        if (typeof text !== 'string' || !Array.isArray(values)) {
          return (target.query as (...args: unknown[]) => unknown)(text, values);
        }
        return target.query({ name: nameOf(text), text, values });
      };
    },
  });

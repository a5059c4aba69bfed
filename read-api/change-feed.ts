import type { Redis } from 'ioredis';

/**
 * The projectors PUBLISH on `<prefix>changes` after each batch they apply. One SUBSCRIBE
 * connection per process fans that out to every listener (SSE clients, consistency waits).
 */
export interface ChangeFeed {
  /** Calls `listener` with each published message; returns the function that stops it. */
  onChange(listener: (message: string) => void): () => void;
  close(): Promise<void>;
}

export const changesChannel = (redisPrefix: string): string => `${redisPrefix}changes`;

/** The subscriber connection is used for nothing else (a subscribed connection cannot run commands). */
export const redisChangeFeed = (subscriber: Redis, channel: string): ChangeFeed => {
  const listeners = new Set<(message: string) => void>();
  let subscribed: Promise<unknown> | undefined;
  const deliver = (from: string, message: string) => {
    if (from !== channel) return;
    for (const listener of listeners) listener(message);
  };
  subscriber.on('message', deliver);
  return {
    onChange: (listener) => {
      listeners.add(listener);
      if (!subscribed) {
        // ioredis subscribes again by itself after a reconnect.
        subscribed = subscriber.subscribe(channel).catch(() => {
          subscribed = undefined;
        });
      }
      return () => listeners.delete(listener);
    },
    close: async () => {
      listeners.clear();
      subscriber.off('message', deliver);
      if (subscribed) await subscriber.unsubscribe(channel).catch(() => undefined);
      subscribed = undefined;
    },
  };
};

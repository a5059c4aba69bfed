import { Redis, type RedisOptions } from 'ioredis';
import { log as defaultLog } from './logger.ts';

export interface RedisSettings {
  url: string;
  /** Who opens it (`connectionName`, and the `redis` field of its log lines). */
  name: string;
  /** Any other ioredis option. */
  extra?: RedisOptions;
  log?: (line: Record<string, unknown>) => void;
}

/**
 * The one way processes open Redis. ioredis reconnects by itself (every 50 ms more, up to 2 s apart) and
 * resubscribes; what is set here is that a command does not wait through more than a couple of reconnect
 * attempts (it fails, and the caller retries or answers 503), that a lost connection is one log line per
 * outage instead of ioredis' "Unhandled error event" per attempt, and that its return is logged too.
 */
export const createRedis = ({ url, name, extra = {}, log = defaultLog }: RedisSettings): Redis => {
  const redis = new Redis(url, {
    connectionName: name,
    connectTimeout: 5_000,
    maxRetriesPerRequest: 2,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    ...extra,
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    log({ level: 'warn', msg: 'redis connection lost', redis: name, error: error.message });
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    log({ level: 'info', msg: 'redis connection back', redis: name });
  });
  return redis;
};

/** True when Redis answers PING. */
export const pingRedis = async (redis: Redis): Promise<boolean> => {
  try {
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  }
};

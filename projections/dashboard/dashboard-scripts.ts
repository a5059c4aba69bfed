import { createHash } from 'node:crypto';
import type { ChainableCommander, Redis } from 'ioredis';
import { assertNever } from '../../domain/decider.ts';
import type { DashboardKeys } from './dashboard-keys.ts';
import type { DashboardUpdate } from './dashboard-updates.ts';

/**
 * Each dashboard update is one Lua script, so Redis applies it whole or not at all, and each
 * applies only when the event's stream version is newer than the one stored for its key: a
 * redelivered or replayed event changes nothing, however often it arrives.
 */

/**
 * Moves an order or a saga to a status: the counter of the status it leaves goes down, the one it
 * enters goes up. KEYS: entity hash, counters hash, [minute bucket, counted once per new order].
 * ARGV: version, status (`@resume`: the stored phase), status before when the entity is unknown,
 * entity TTL seconds (0: none), updatedAt, phase to record, bucket TTL seconds.
 */
const moveStatusLua = `
local version = tonumber(ARGV[1])
local stored = redis.call('HGET', KEYS[1], 'version')
if stored and tonumber(stored) >= version then return 0 end
local previous = redis.call('HGET', KEYS[1], 'status')
if not previous then previous = ARGV[3] end
if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'phase', ARGV[6]) end
local status = ARGV[2]
if status == '@resume' then status = redis.call('HGET', KEYS[1], 'phase') or 'running' end
if previous ~= status then
  if previous ~= '' then redis.call('HINCRBY', KEYS[2], previous, -1) end
  redis.call('HINCRBY', KEYS[2], status, 1)
end
redis.call('HSET', KEYS[1], 'status', status, 'version', ARGV[1], 'updatedAt', ARGV[5])
local ttl = tonumber(ARGV[4])
if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
if #KEYS >= 3 then
  redis.call('INCR', KEYS[3])
  redis.call('EXPIRE', KEYS[3], tonumber(ARGV[7]))
end
return 1
`;

/**
 * Counts an order's units of a SKU as sold once, and takes back exactly what was counted when they
 * are returned. KEYS: marker hash (per order and SKU), top-SKUs sorted set.
 * ARGV: version (of the SKU's stream), sku, quantity, `committed` | `returned`, marker TTL seconds.
 */
const countUnitsSoldLua = `
local version = tonumber(ARGV[1])
local stored = redis.call('HGET', KEYS[1], 'version')
if stored and tonumber(stored) >= version then return 0 end
local counted = redis.call('HGET', KEYS[1], 'state') == 'committed'
if ARGV[4] == 'committed' and not counted then
  redis.call('ZINCRBY', KEYS[2], tonumber(ARGV[3]), ARGV[2])
  redis.call('HSET', KEYS[1], 'quantity', ARGV[3])
elseif ARGV[4] == 'returned' and counted then
  local quantity = tonumber(redis.call('HGET', KEYS[1], 'quantity') or ARGV[3])
  redis.call('ZINCRBY', KEYS[2], -quantity, ARGV[2])
end
redis.call('HSET', KEYS[1], 'state', ARGV[4], 'version', ARGV[1])
local ttl = tonumber(ARGV[5])
if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
return 1
`;

interface Script {
  lua: string;
  sha: string;
}

const script = (lua: string): Script => ({ lua, sha: createHash('sha1').update(lua).digest('hex') });

const scripts = { moveStatus: script(moveStatusLua), countUnitsSold: script(countUnitsSoldLua) };

export interface DashboardTtls {
  /** Order, saga and sold-marker keys: redeliveries within this window are recognised. */
  entitySeconds: number;
  /** Orders-per-minute buckets. */
  bucketSeconds: number;
}

/** Queues the script call of one update on a pipeline (EVALSHA: the script text is not resent). */
export const queueDashboardUpdate = (
  pipeline: ChainableCommander,
  keys: DashboardKeys,
  update: DashboardUpdate,
  ttls: DashboardTtls,
): void => {
  switch (update.kind) {
    case 'order-status': {
      const keyList = [keys.order(update.orderId), keys.ordersByStatus];
      if (update.placedMinute) keyList.push(keys.ordersPerMinute(update.placedMinute));
      pipeline.evalsha(
        scripts.moveStatus.sha,
        keyList.length,
        ...keyList,
        update.version,
        update.status,
        update.previousIfUnknown ?? '',
        ttls.entitySeconds,
        update.at,
        '',
        ttls.bucketSeconds,
      );
      return;
    }
    case 'saga-status':
      pipeline.evalsha(
        scripts.moveStatus.sha,
        2,
        keys.saga(update.orderId),
        keys.sagasByState,
        update.version,
        update.status === 'resume' ? '@resume' : update.status,
        update.previousIfUnknown ?? '',
        ttls.entitySeconds,
        update.at,
        update.phase ?? '',
        ttls.bucketSeconds,
      );
      return;
    case 'units-sold':
      pipeline.evalsha(
        scripts.countUnitsSold.sha,
        2,
        keys.sold(update.sku, update.orderId),
        keys.topSkus,
        update.version,
        update.sku,
        update.quantity,
        update.state,
        ttls.entitySeconds,
      );
      return;
    default:
      assertNever(update);
  }
};

export const isNoScriptError = (error: unknown): boolean =>
  error instanceof Error && error.message.startsWith('NOSCRIPT');

/** After a Redis restart or SCRIPT FLUSH the scripts are gone; EVALSHA then answers NOSCRIPT. */
export const loadDashboardScripts = async (redis: Redis): Promise<void> => {
  for (const { lua } of Object.values(scripts)) await redis.script('LOAD', lua);
};

import type { RedisClient } from '../../redis/index.ts';
import type { ShardStats } from '../queue.ts';
import { GROUP, streamKey } from './keys.ts';

/**
 * Per shard: length, pending (delivered, not acknowledged), unread (after the group's last delivered
 * id, counted up to ARGV[2]), the last delivered id and the oldest pending id. Unread is counted from
 * the entries themselves, not from XINFO's `lag`: `lag` derives from an entries-read counter that a
 * restart from the AOF or a trim leaves stale or null, which showed as a phantom backlog.
 */
const MEASURE_SCRIPT = `
local out = {}
for i, key in ipairs(KEYS) do
  local length, pending, unread, delivered, oldest = 0, 0, 0, '', ''
  if redis.call('EXISTS', key) == 1 then
    length = redis.call('XLEN', key)
    for _, g in ipairs(redis.call('XINFO', 'GROUPS', key)) do
      local f = {}
      for j = 1, #g, 2 do f[g[j]] = g[j + 1] end
      if f['name'] == ARGV[1] then
        pending = f['pending']
        delivered = f['last-delivered-id']
        unread = #redis.call('XRANGE', key, '(' .. delivered, '+', 'COUNT', tonumber(ARGV[2]))
        if pending > 0 then oldest = redis.call('XPENDING', key, ARGV[1])[2] end
      end
    end
  end
  out[i] = {length, pending, unread, delivered, oldest}
end
return out
`;

export interface ShardMeasure extends ShardStats {
  /** The group's last delivered id ('' when the shard has no group yet). */
  lastDelivered: string;
  /** The oldest entry still pending ('' when none). */
  oldestPending: string;
}

/** Every shard measured in one script call. */
export async function measureShards(redis: RedisClient, shards: number, countUpTo: number): Promise<ShardMeasure[]> {
  const keys = Array.from({ length: shards }, (_, shard) => streamKey(shard));
  const replies = (await redis.eval(MEASURE_SCRIPT, { keys, arguments: [GROUP, String(countUpTo)] })) as [number, number, number, string, string][];
  return replies.map(([length, pending, unread, lastDelivered, oldestPending], shard) => ({ shard, length, pending, lag: unread, lastDelivered, oldestPending }));
}

/** Drops entries older than the oldest one still pending or unread: never an unacknowledged turn. */
export async function trimShard(redis: RedisClient, m: ShardMeasure): Promise<void> {
  const keepFrom = m.oldestPending || m.lastDelivered;
  if (keepFrom) await redis.xTrim(streamKey(m.shard), 'MINID', keepFrom);
}

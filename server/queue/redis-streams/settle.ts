import type { Logger } from 'pino';
import type { RedisClient } from '../../redis/index.ts';
import { compareIds, GROUP, streamKey } from './keys.ts';

const POLL_MS = 20;

/**
 * A barrier on one shard: the newest entry at the time of the call must have been delivered and
 * nothing up to it left unacknowledged. It waits for the shard's other conversations too, which
 * costs little: a healthy shard's backlog is a handful of turns. Resolves false after timeoutMs.
 */
export async function settleShard(redis: RedisClient, shard: number, timeoutMs: number, log: Logger): Promise<boolean> {
  const key = streamKey(shard);
  if (!(await redis.exists(key))) return true;
  const barrier = String((await redis.xInfoStream(key))['last-generated-id'] ?? '0-0');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const group = (await redis.xInfoGroups(key)).find((g) => String(g.name) === GROUP);
    const delivered = String(group?.['last-delivered-id'] ?? '0-0');
    if (compareIds(delivered, barrier) >= 0 && (await redis.xPendingRange(key, GROUP, '-', barrier, 1)).length === 0) return true;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  log.warn({ shard, barrier }, 'turns queued before the end of a conversation were not all processed in time');
  return false;
}

import { closeRedis, idSegment, type RedisClient } from '../redis/index.ts';
import { LOG_LIMIT, type Delivery, type DeliveryAttempt, type WebhookQueue } from './queue.ts';

const PREFIX = 'rapport:webhooks:';
const KEYS = { due: `${PREFIX}due`, dead: `${PREFIX}dead`, log: `${PREFIX}log`, pending: `${PREFIX}pending` };
/** A lane's name in the due set and in its key: hashed, so conversation ids never appear in key names. */
const laneName = (conversationId: string) => idSegment(conversationId);
const lane = (name: string) => `${PREFIX}lane:${name}`;

/*
 * Lua, so that each step is atomic across processes. A lane is a list of deliveries (head first); the
 * "due" sorted set holds each non-empty lane scored by when its head may be tried next. A claim
 * pushes that time out by a lease, so two processes never send the same head at once, and a process
 * that dies mid-attempt only delays it by the lease.
 */
const PUSH = `
local n = redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('INCR', KEYS[3])
if n == 1 then redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3]) end
return n`;

const CLAIM = `
local lanes = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local heads = {}
for _, name in ipairs(lanes) do
  local head = redis.call('LINDEX', ARGV[4] .. name, 0)
  if head then
    redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[3]), name)
    table.insert(heads, head)
  else
    redis.call('ZREM', KEYS[1], name)
  end
end
return heads`;

/** Replaces (ARGV[3] = 'set') or removes the head if it is still delivery ARGV[1]; reschedules the lane. */
const SETTLE = `
local head = redis.call('LINDEX', KEYS[1], 0)
if not head or cjson.decode(head).id ~= ARGV[1] then return 0 end
if ARGV[3] == 'set' then
  redis.call('LSET', KEYS[1], 0, ARGV[2])
  redis.call('ZADD', KEYS[2], cjson.decode(ARGV[2]).nextAttemptAt, ARGV[4])
  return 1
end
redis.call('LPOP', KEYS[1])
redis.call('DECR', KEYS[4])
if ARGV[3] == 'dead' then redis.call('RPUSH', KEYS[3], ARGV[2]) end
local next = redis.call('LINDEX', KEYS[1], 0)
if next then redis.call('ZADD', KEYS[2], cjson.decode(next).nextAttemptAt, ARGV[4]) else redis.call('ZREM', KEYS[2], ARGV[4]) end
return 1`;

const REQUEUE = `
for _, item in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local d = cjson.decode(item)
  if d.id == ARGV[1] then
    redis.call('LREM', KEYS[1], 1, item)
    return item
  end
end
return false`;

/** The durable queue, when Redis is configured: deliveries survive Rapport restarts and are shared by its processes. */
export class RedisWebhookQueue implements WebhookQueue {
  readonly kind = 'redis';

  /** `leaseMs`: how long a claimed delivery is left to its sender before another process may try it. */
  constructor(
    private readonly redis: RedisClient,
    private readonly leaseMs = 30_000,
  ) {}

  async push(d: Delivery): Promise<void> {
    const name = laneName(d.event.conversationId);
    await this.redis.eval(PUSH, { keys: [lane(name), KEYS.due, KEYS.pending], arguments: [JSON.stringify(d), String(d.nextAttemptAt), name] });
  }

  async due(now: number, limit: number): Promise<Delivery[]> {
    const heads = (await this.redis.eval(CLAIM, { keys: [KEYS.due], arguments: [String(now), String(limit), String(this.leaseMs), lane('')] })) as string[];
    return heads.map((h) => JSON.parse(h) as Delivery);
  }

  async delivered(d: Delivery): Promise<void> {
    await this.settle(d, 'drop');
  }

  async retryLater(d: Delivery): Promise<void> {
    await this.settle(d, 'set');
  }

  async deadLetter(d: Delivery): Promise<void> {
    await this.settle(d, 'dead');
  }

  async deadLetters(): Promise<Delivery[]> {
    return (await this.redis.lRange(KEYS.dead, 0, -1)).map((s) => JSON.parse(s) as Delivery);
  }

  async requeue(deliveryId: string, now: number): Promise<Delivery | undefined> {
    const found = (await this.redis.eval(REQUEUE, { keys: [KEYS.dead], arguments: [deliveryId] })) as string | null;
    if (!found) return undefined;
    const again = { ...(JSON.parse(found) as Delivery), attempts: 0, nextAttemptAt: now };
    await this.push(again);
    return again;
  }

  async log(attempt: DeliveryAttempt): Promise<void> {
    await this.redis.multi().lPush(KEYS.log, JSON.stringify(attempt)).lTrim(KEYS.log, 0, LOG_LIMIT - 1).exec();
  }

  async recent(limit: number): Promise<DeliveryAttempt[]> {
    return (await this.redis.lRange(KEYS.log, 0, limit - 1)).map((s) => JSON.parse(s) as DeliveryAttempt);
  }

  async pending(): Promise<number> {
    return Number((await this.redis.get(KEYS.pending)) ?? 0);
  }

  async close(): Promise<void> {
    await closeRedis(this.redis);
  }

  private async settle(d: Delivery, how: 'drop' | 'set' | 'dead'): Promise<void> {
    const name = laneName(d.event.conversationId);
    await this.redis.eval(SETTLE, { keys: [lane(name), KEYS.due, KEYS.dead, KEYS.pending], arguments: [d.id, JSON.stringify(d), how, name] });
  }
}

import type { Conversation } from '../domain/conversation.ts';
import { closeRedis, idSegment, type RedisClient } from '../redis/index.ts';
import { matches, type Change, type ConversationQuery, type Store, type StoreExpiry } from './store.ts';

/**
 * The production store: conversation state shared by every Rapport process through Redis.
 *
 * Key layout (all under `rapport:`; <h(x)> is `idSegment(x)`, never the raw id):
 *   conv:<h(id)>        hash { rev, doc }: the whole aggregate as JSON and a revision for optimistic locking
 *   conversations       zset of every conversation id, scored by start time
 *   live / ended        zsets of ids by start time, one per status
 *   agent:<h(agentId)>  zset of that agent's conversation ids by start time
 *   alert:<h(alertId)>  string: the conversation the alert belongs to
 *   revoked:<h(jti)>    a revoked token id, until the token's expiry
 *
 * Expiry: a live conversation's keys live `liveTtlMs` from its last change (an abandoned call does not
 * stay on the wall forever); an ended one is kept `retentionMs` for QA. Index zsets cannot expire per
 * member, so readers drop members whose conversation has expired.
 */

const PREFIX = 'rapport:';
const key = {
  conv: (id: string) => `${PREFIX}conv:${idSegment(id)}`,
  all: `${PREFIX}conversations`,
  live: `${PREFIX}live`,
  ended: `${PREFIX}ended`,
  agent: (id: string) => `${PREFIX}agent:${idSegment(id)}`,
  alert: (id: string) => `${PREFIX}alert:${idSegment(id)}`,
  revoked: (jti: string) => `${PREFIX}revoked:${idSegment(jti)}`,
};

/**
 * Writes a conversation and its index entries in one step, so a crash never leaves an index pointing
 * at a state that was not written. ARGV[1] is the revision the writer read ('' = write regardless);
 * on a mismatch nothing is written and the script returns -1.
 * KEYS: conv, all, live, ended, agent (ignored when ARGV[6] is '0'), alert keys...
 * ARGV: expected rev, doc, id, status, startedAt, has agent, ttl ms
 */
const SAVE_SCRIPT = `
local rev = redis.call('HGET', KEYS[1], 'rev') or '0'
if ARGV[1] ~= '' and rev ~= ARGV[1] then return -1 end
local nextRev = tonumber(rev) + 1
redis.call('HSET', KEYS[1], 'rev', nextRev, 'doc', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[7])
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[3])
if ARGV[4] == 'live' then
  redis.call('ZADD', KEYS[3], ARGV[5], ARGV[3])
  redis.call('ZREM', KEYS[4], ARGV[3])
else
  redis.call('ZADD', KEYS[4], ARGV[5], ARGV[3])
  redis.call('ZREM', KEYS[3], ARGV[3])
end
if ARGV[6] == '1' then redis.call('ZADD', KEYS[5], ARGV[5], ARGV[3]) end
for i = 6, #KEYS do redis.call('SET', KEYS[i], ARGV[3], 'PX', ARGV[7]) end
return nextRev
`;

/** How many times `update` re-reads after losing a race before it gives up. */
const MAX_UPDATE_ATTEMPTS = 50;
const PAGE = 200;
const READY_TIMEOUT_MS = 1000;

export class ConcurrentUpdateError extends Error {
  constructor(readonly conversationId: string) {
    super(`conversation ${conversationId} kept changing under ${MAX_UPDATE_ATTEMPTS} attempts to update it`);
    this.name = 'ConcurrentUpdateError';
  }
}

export class RedisStore implements Store {
  readonly kind = 'redis';

  constructor(
    private readonly redis: RedisClient,
    private readonly o: StoreExpiry,
  ) {}

  async get(id: string): Promise<Conversation | undefined> {
    const doc = await this.redis.hGet(key.conv(id), 'doc');
    return doc === null ? undefined : (JSON.parse(doc) as Conversation);
  }

  async save(c: Conversation): Promise<void> {
    await this.write(c, '');
  }

  async update<T>(id: string, change: (current: Conversation | undefined) => Change<T>): Promise<T> {
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      const [rev, doc] = await this.redis.hmGet(key.conv(id), ['rev', 'doc']);
      const { conversation, result } = change(doc ? (JSON.parse(doc) as Conversation) : undefined);
      if (!conversation) return result;
      if (conversation.id !== id) throw new Error(`update of ${id} returned conversation ${conversation.id}`);
      if ((await this.write(conversation, rev ?? '0')) >= 0) return result;
    }
    throw new ConcurrentUpdateError(id);
  }

  async list(q: ConversationQuery): Promise<Conversation[]> {
    const index = q.agentId !== undefined ? key.agent(q.agentId) : q.status === 'live' ? key.live : q.status === 'ended' ? key.ended : key.all;
    const max = q.to === undefined ? '+inf' : `(${q.to}`;
    const min = q.from === undefined ? '-inf' : String(q.from);
    const found: Conversation[] = [];
    // Pages of ids newest first, until the limit is met or the index runs out.
    for (let offset = 0; q.limit === undefined || found.length < q.limit; offset += PAGE) {
      const ids = await this.redis.zRange(index, max, min, { BY: 'SCORE', REV: true, LIMIT: { offset, count: PAGE } });
      if (ids.length === 0) break;
      const docs = await this.fetch(ids);
      const expired = ids.filter((_, i) => docs[i] === null);
      if (expired.length > 0) await this.forget(index, expired);
      for (const doc of docs) {
        const c = doc === null ? undefined : (JSON.parse(doc) as Conversation);
        if (c && matches(c, q)) found.push(c);
      }
      if (ids.length < PAGE) break;
      // Expired members were removed from this index, which shifts the next page up.
      offset -= expired.length;
    }
    // Members with equal start times come back in id order; sort so the result does not depend on it.
    found.sort((a, b) => b.startedAt - a.startedAt);
    return q.limit === undefined ? found : found.slice(0, q.limit);
  }

  async countLive(): Promise<number> {
    return this.redis.zCard(key.live);
  }

  async conversationOfAlert(alertId: string): Promise<string | undefined> {
    return (await this.redis.get(key.alert(alertId))) ?? undefined;
  }

  async revokeToken(jti: string, untilMs: number): Promise<void> {
    const ttl = Math.ceil(untilMs - Date.now());
    if (ttl > 0) await this.redis.set(key.revoked(jti), '1', { expiration: { type: 'PX', value: ttl } });
  }

  async isTokenRevoked(jti: string): Promise<boolean> {
    return (await this.redis.exists(key.revoked(jti))) === 1;
  }

  /** Answers within a second: a health check must not wait out a reconnect. */
  async ready(): Promise<boolean> {
    const ping = this.redis.ping().then((reply) => reply === 'PONG', () => false);
    const late = new Promise<false>((resolve) => setTimeout(resolve, READY_TIMEOUT_MS, false).unref());
    return Promise.race([ping, late]);
  }

  async close(): Promise<void> {
    await closeRedis(this.redis);
  }

  private async fetch(ids: string[]): Promise<(string | null)[]> {
    // Issued in one tick, so node-redis writes them as one pipeline.
    return Promise.all(ids.map((id) => this.redis.hGet(key.conv(id), 'doc')));
  }

  /** Drops expired conversations from every index they may be in. */
  private async forget(index: string, ids: string[]): Promise<void> {
    const multi = this.redis.multi();
    for (const k of new Set([index, key.all, key.live, key.ended])) multi.zRem(k, ids);
    await multi.exec();
  }

  private async write(c: Conversation, expectedRev: string): Promise<number> {
    const ttl = c.status === 'ended' ? this.o.retentionMs : this.o.liveTtlMs;
    const keys = [key.conv(c.id), key.all, key.live, key.ended, key.agent(c.agentId ?? ''), ...c.alerts.map((a) => key.alert(a.id))];
    const args = [expectedRev, JSON.stringify(c), c.id, c.status, String(c.startedAt), c.agentId === undefined ? '0' : '1', String(ttl)];
    return (await this.redis.eval(SAVE_SCRIPT, { keys, arguments: args })) as number;
  }
}

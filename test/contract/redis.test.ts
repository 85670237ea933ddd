import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endConversation, newConversation } from '../../server/domain/conversation.ts';
import { CONNECT_DEADLINE_MS, connectRedis, idSegment, isRedisUnavailable } from '../../server/redis/index.ts';
import { DAY_MS, RedisStore, storeExpiry, type StoreExpiry } from '../../server/store/index.ts';
import { connectAdmin, freePort, startRedis, type TestRedis } from '../support/redis.ts';
import { turnOf } from '../support/turns.ts';
import { storeContract } from './store.contract.ts';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const options = storeExpiry();

/** A store on its own connection, with Rapport's settings. */
async function storeOn(name: string, o: StoreExpiry = options): Promise<RedisStore> {
  return new RedisStore(await connectRedis(redis.url, name), o);
}

storeContract('redis', async () => {
  const admin = await connectAdmin(redis.url);
  await admin.flushDb();
  admin.destroy();
  const store = await storeOn('test-a');
  const sibling = await storeOn('test-b');
  return {
    store,
    sibling,
    async close() {
      await store.close();
      await sibling.close();
    },
  };
});

describe('Redis store: expiry and outages', () => {
  it('expires live state a day after its last change and keeps ended conversations for the retention', async () => {
    const admin = await connectAdmin(redis.url);
    const store = await storeOn('ttl', { retentionMs: 7 * DAY_MS, liveTtlMs: DAY_MS });
    const c = newConversation(turnOf('customer', 'hi', { conversationId: 'ttl-1', at: 1000 }));
    await store.save(c);
    expect(await admin.pTTL(`rapport:conv:${idSegment('ttl-1')}`)).toBeGreaterThan(DAY_MS - 60_000);
    expect(await admin.pTTL(`rapport:conv:${idSegment('ttl-1')}`)).toBeLessThanOrEqual(DAY_MS);
    await store.save(endConversation(c, 2000));
    expect(await admin.pTTL(`rapport:conv:${idSegment('ttl-1')}`)).toBeGreaterThan(7 * DAY_MS - 60_000);
    admin.destroy();
    await store.close();
  });

  it('drops an expired conversation from the lists', async () => {
    const admin = await connectAdmin(redis.url);
    await admin.flushDb();
    const store = await storeOn('expired');
    await store.save(newConversation(turnOf('customer', 'hi', { conversationId: 'gone-1', at: 5000, agentId: 'zoe' })));
    await store.save(newConversation(turnOf('customer', 'hi', { conversationId: 'kept-1', at: 4000, agentId: 'zoe' })));
    await admin.del(`rapport:conv:${idSegment('gone-1')}`);
    expect((await store.list({ agentId: 'zoe' })).map((c) => c.id)).toEqual(['kept-1']);
    expect(await admin.zScore(`rapport:agent:${idSegment('zoe')}`, 'gone-1')).toBeNull();
    // The listing dropped it from the live index too, so it no longer counts against --max-live.
    expect(await store.countLive()).toBe(1);
    admin.destroy();
    await store.close();
  });

  it('fails reads at once while Redis is down, reports not ready, and recovers on its own', async () => {
    const store = await storeOn('outage');
    await store.save(newConversation(turnOf('customer', 'hi', { conversationId: 'outage-1', at: 1000 })));
    await redis.kill();
    expect(await store.ready()).toBe(false);
    const asked = Date.now();
    const failure: unknown = await store.get('outage-1').then(() => undefined, (error: unknown) => error);
    expect(isRedisUnavailable(failure)).toBe(true);
    expect(Date.now() - asked).toBeLessThan(2000);
    await redis.restart();
    for (const deadline = Date.now() + 10_000; !(await store.ready()) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
    // The AOF (appendfsync always) brought back what was written before the crash.
    expect((await store.get('outage-1'))?.id).toBe('outage-1');
    await store.close();
  });

  it('keeps ids out of key names, and ids that join alike apart', async () => {
    const admin = await connectAdmin(redis.url);
    await admin.flushDb();
    const store = await storeOn('keys');
    // Digits that could be a card or a phone number, and ids that collide when joined with ':'.
    const ids = ['ticket:77:a', 'ticket:77', 'acct-4111111111111111'];
    for (const [i, id] of ids.entries()) await store.save(newConversation(turnOf('customer', 'hi', { conversationId: id, agentId: 'agent:5550100', at: 1000 + i })));
    const keys = await admin.keys('*');
    for (const raw of [...ids, '4111111111111111', '5550100']) expect(keys.filter((k) => k.includes(raw)), raw).toEqual([]);
    for (const id of ids) expect((await store.get(id))?.id).toBe(id);
    expect((await store.list({ agentId: 'agent:5550100' })).map((c) => c.id).sort()).toEqual([...ids].sort());
    admin.destroy();
    await store.close();
  });

  it('refuses to start against a closed port within a few seconds, naming the URL', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const asked = Date.now();
    await expect(connectRedis(url, 'closed')).rejects.toThrow(`cannot reach Redis at ${url}`);
    expect(Date.now() - asked).toBeLessThan(CONNECT_DEADLINE_MS + 1000);
  });
});

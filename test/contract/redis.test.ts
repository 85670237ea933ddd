import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endConversation, newConversation } from '../../server/domain/conversation.ts';
import { connectRedis, DAY_MS, RedisStore, type RedisStoreOptions } from '../../server/store/index.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { turnOf } from '../support/turns.ts';
import { storeContract } from './store.contract.ts';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const options = { retentionMs: 90 * DAY_MS, liveTtlMs: DAY_MS };

/** A store on its own connection; the outage test kills redis-server, and reconnect errors are expected. */
function storeOn(name: string, o: RedisStoreOptions = options): RedisStore {
  const client = connectRedis(redis.url, name);
  client.on('error', () => {});
  return new RedisStore(client, o);
}

storeContract('redis', async () => {
  const admin = new Redis(redis.url);
  await admin.flushdb();
  admin.disconnect();
  const store = storeOn('test-a');
  const sibling = storeOn('test-b');
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
    const admin = new Redis(redis.url);
    const store = storeOn('ttl', { retentionMs: 7 * DAY_MS, liveTtlMs: DAY_MS });
    const c = newConversation(turnOf('customer', 'hi', { conversationId: 'ttl-1', at: 1000 }));
    await store.save(c);
    expect(await admin.pttl('rapport:conv:ttl-1')).toBeGreaterThan(DAY_MS - 60_000);
    expect(await admin.pttl('rapport:conv:ttl-1')).toBeLessThanOrEqual(DAY_MS);
    await store.save(endConversation(c, 2000));
    expect(await admin.pttl('rapport:conv:ttl-1')).toBeGreaterThan(7 * DAY_MS - 60_000);
    admin.disconnect();
    await store.close();
  });

  it('drops an expired conversation from the lists', async () => {
    const admin = new Redis(redis.url);
    const store = storeOn('expired');
    await store.save(newConversation(turnOf('customer', 'hi', { conversationId: 'gone-1', at: 5000, agentId: 'zoe' })));
    await store.save(newConversation(turnOf('customer', 'hi', { conversationId: 'kept-1', at: 4000, agentId: 'zoe' })));
    await admin.del('rapport:conv:gone-1');
    expect((await store.list({ agentId: 'zoe' })).map((c) => c.id)).toEqual(['kept-1']);
    expect(await admin.zscore('rapport:agent:zoe', 'gone-1')).toBeNull();
    admin.disconnect();
    await store.close();
  });

  it('reports not ready while Redis is down, and recovers on its own', async () => {
    const store = storeOn('outage');
    await store.save(newConversation(turnOf('customer', 'hi', { conversationId: 'outage-1', at: 1000 })));
    await redis.kill();
    expect(await store.ready().catch(() => false)).toBe(false);
    await redis.restart();
    // The AOF (appendfsync always) brought back what was written before the crash.
    expect((await store.get('outage-1'))?.id).toBe('outage-1');
    expect(await store.ready()).toBe(true);
    await store.close();
  });
});

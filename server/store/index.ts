export { MemoryStore } from './memory.ts';
export { connectRedis, DAY_MS, RedisStore, type RedisStoreOptions } from './redis.ts';
export type { Change, ConversationQuery, Store } from './store.ts';

export { MemoryStore } from './memory.ts';
export { DAY_MS, RedisStore, type RedisStoreOptions } from './redis.ts';
export type { Change, ConversationQuery, Store } from './store.ts';

export { MemoryStore } from './memory.ts';
export { RedisStore } from './redis.ts';
export { DAY_MS, storeExpiry, type Change, type ConversationQuery, type Store, type StoreExpiry } from './store.ts';

export { MemoryStore } from './memory.ts';
export type { ConversationQuery, Store } from './store.ts';

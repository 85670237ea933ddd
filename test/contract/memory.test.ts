import { MemoryStore } from '../../server/store/index.ts';
import { storeContract } from './store.contract.ts';

storeContract('memory', async () => {
  const store = new MemoryStore();
  return { store, sibling: store, close: () => store.close() };
});

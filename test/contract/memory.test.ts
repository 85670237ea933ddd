import { describe, expect, it } from 'vitest';
import type { Alert } from '../../server/domain/alert.ts';
import { endConversation, newConversation, withAlerts, withQaNote } from '../../server/domain/conversation.ts';
import { DAY_MS, MemoryStore } from '../../server/store/index.ts';
import { turnOf } from '../support/turns.ts';
import { storeContract } from './store.contract.ts';

storeContract('memory', async () => {
  const store = new MemoryStore();
  return { store, sibling: store, close: () => store.close() };
});

describe('Memory store: expiry, as in the Redis store', () => {
  const expiry = { retentionMs: 7 * DAY_MS, liveTtlMs: DAY_MS };

  it('keeps an ended conversation for the retention after its last change, then forgets it and its alerts', async () => {
    let now = 1_000_000;
    const store = new MemoryStore(expiry, () => now);
    const c = newConversation(turnOf('customer', 'hi', { conversationId: 'kept-1', at: 1000 }));
    const alert: Alert = { id: 'alert-1', conversationId: c.id, severity: 'warning', rule: 'escalation-phrase', reason: 'test', evidence: [], state: 'open', openedAt: 1, updatedAt: 1 };
    await store.save(endConversation(withAlerts(c, [alert]), 2000));
    now += 7 * DAY_MS - 1;
    expect((await store.get('kept-1'))?.status).toBe('ended');
    await store.save(withQaNote((await store.get('kept-1'))!, 'a QA note is a change'));
    now += 7 * DAY_MS - 1;
    expect((await store.list({ status: 'ended' })).map((x) => x.id)).toEqual(['kept-1']);
    now += 1;
    expect(await store.get('kept-1')).toBeUndefined();
    expect(await store.list({})).toEqual([]);
    expect(await store.conversationOfAlert('alert-1')).toBeUndefined();
  });

  it('forgets a live conversation a day after its last change; a listing stops counting it', async () => {
    let now = 1_000_000;
    const store = new MemoryStore(expiry, () => now);
    await store.save(newConversation(turnOf('customer', 'hi', { conversationId: 'abandoned-1', at: 1000 })));
    now += DAY_MS;
    expect(await store.countLive()).toBe(1);
    expect(await store.list({ status: 'live' })).toEqual([]);
    expect(await store.countLive()).toBe(0);
  });
});

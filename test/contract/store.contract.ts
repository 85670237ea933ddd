import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../server/domain/alert.ts';
import { endConversation, newConversation, withAlerts, withQaNote, type Conversation } from '../../server/domain/conversation.ts';
import type { Store } from '../../server/store/index.ts';
import { turnOf } from '../support/turns.ts';

/** Two handles on one store's data: as two processes see it (for the memory store, the same object). */
export interface StorePair {
  store: Store;
  sibling: Store;
  close(): Promise<void>;
}

function conversation(id: string, startedAt: number, agentId = 'alice'): Conversation {
  return newConversation(turnOf('customer', 'hello there', { conversationId: id, at: startedAt, agentId }));
}

function alert(c: Conversation, id: string): Alert {
  return { id, conversationId: c.id, agentId: c.agentId, severity: 'warning', rule: 'escalation-phrase', reason: 'test', evidence: [], state: 'open', openedAt: 1, updatedAt: 1 };
}

/** The behaviour every Store must have. `open` gives a fresh, empty store for each test. */
export function storeContract(name: string, open: () => Promise<StorePair>): void {
  describe(`Store contract: ${name}`, () => {
    let pair: StorePair;
    let store: Store;
    const opened: StorePair[] = [];
    beforeEach(async () => {
      pair = await open();
      opened.push(pair);
      store = pair.store;
    });
    afterAll(async () => {
      for (const p of opened) await p.close();
    });

    it('returns what was saved, and nothing for an unknown id', async () => {
      const c = withQaNote(conversation('c1', 1000), 'note with ünïcode 和中文');
      await store.save(c);
      expect(await store.get('c1')).toEqual(c);
      expect(await store.get('nope')).toBeUndefined();
    });

    it('save replaces the whole aggregate, seen from another handle', async () => {
      await store.save(conversation('c1', 1000));
      const ended = endConversation(conversation('c1', 1000), 5000);
      await store.save(ended);
      expect(await pair.sibling.get('c1')).toEqual(ended);
    });

    it('lists by status, agent and time range, newest first, up to a limit', async () => {
      await store.save(conversation('a1', 1000, 'alice'));
      await store.save(conversation('a2', 2000, 'alice'));
      await store.save(endConversation(conversation('b1', 3000, 'bob'), 9000));
      await store.save(conversation('b2', 4000, 'bob'));
      const ids = async (q: Parameters<Store['list']>[0]) => (await store.list(q)).map((c) => c.id);
      expect(await ids({})).toEqual(['b2', 'b1', 'a2', 'a1']);
      expect(await ids({ status: 'live' })).toEqual(['b2', 'a2', 'a1']);
      expect(await ids({ status: 'ended' })).toEqual(['b1']);
      expect(await ids({ agentId: 'bob' })).toEqual(['b2', 'b1']);
      expect(await ids({ agentId: 'bob', status: 'live' })).toEqual(['b2']);
      expect(await ids({ from: 2000, to: 4000 })).toEqual(['b1', 'a2']);
      expect(await ids({ limit: 2 })).toEqual(['b2', 'b1']);
      expect(await ids({ agentId: 'carol' })).toEqual([]);
    });

    it('moves a conversation from live to ended when it ends', async () => {
      await store.save(conversation('c1', 1000));
      await store.save(endConversation(conversation('c1', 1000), 2000));
      expect((await store.list({ status: 'live' })).map((c) => c.id)).toEqual([]);
      expect((await store.list({ status: 'ended' })).map((c) => c.id)).toEqual(['c1']);
    });

    it('counts the live conversations, each once, seen from another handle', async () => {
      expect(await store.countLive()).toBe(0);
      await store.save(conversation('a1', 1000));
      await store.save(conversation('a2', 2000));
      await store.save(conversation('a2', 2000));
      await store.save(endConversation(conversation('b1', 3000), 9000));
      expect(await pair.sibling.countLive()).toBe(2);
      await store.save(endConversation(conversation('a1', 1000), 5000));
      expect(await store.countLive()).toBe(1);
    });

    it('finds the conversation an alert belongs to', async () => {
      const c = conversation('c1', 1000);
      await store.save(withAlerts(c, [alert(c, 'alert-1')]));
      expect(await pair.sibling.conversationOfAlert('alert-1')).toBe('c1');
      expect(await store.conversationOfAlert('alert-unknown')).toBeUndefined();
    });

    it('update creates, changes, or leaves alone, and hands back its result', async () => {
      const created = await store.update('c1', (current) => ({ conversation: current ?? conversation('c1', 1000), result: current === undefined }));
      expect(created).toBe(true);
      const untouched = await store.update('c1', (current) => ({ result: current?.id }));
      expect(untouched).toBe('c1');
      await store.update('c1', (current) => ({ conversation: withQaNote(current!, 'checked'), result: null }));
      expect((await store.get('c1'))?.qaNote).toBe('checked');
    });

    it('update loses no write when two handles change one conversation at once', async () => {
      await store.save(conversation('c1', 1000));
      const writers = Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? store : pair.sibling).update('c1', (current) => ({
          conversation: { ...current!, seenTurnIds: [...current!.seenTurnIds, `t${i}`] },
          result: undefined,
        })),
      );
      await Promise.all(writers);
      const seen = (await store.get('c1'))!.seenTurnIds;
      expect(seen).toHaveLength(40);
      expect(new Set(seen).size).toBe(40);
    });

    it('keeps a revoked token id until the token would have expired, seen from another handle', async () => {
      await store.revokeToken('jti-1', Date.now() + 60_000);
      await store.revokeToken('jti-gone', Date.now() - 1);
      await store.revokeToken('jti-short', Date.now() + 150);
      expect(await pair.sibling.isTokenRevoked('jti-1')).toBe(true);
      expect(await pair.sibling.isTokenRevoked('jti-short')).toBe(true);
      expect(await store.isTokenRevoked('jti-gone')).toBe(false);
      expect(await store.isTokenRevoked('jti-never')).toBe(false);
      await new Promise((r) => setTimeout(r, 250));
      expect(await store.isTokenRevoked('jti-short')).toBe(false);
      expect(await store.isTokenRevoked('jti-1')).toBe(true);
    });

    it('is ready', async () => {
      expect(await store.ready()).toBe(true);
    });
  });
}

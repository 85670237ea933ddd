import type { Conversation } from '../domain/conversation.ts';
import { matches, type Change, type ConversationQuery, type Store } from './store.ts';

/** The embedded store of the one-command start: fast, and gone when the process ends. */
export class MemoryStore implements Store {
  readonly kind = 'memory';
  private readonly conversations = new Map<string, Conversation>();
  private readonly alertIndex = new Map<string, string>();
  /** Revoked token ids and until when. */
  private readonly revoked = new Map<string, number>();

  async get(id: string): Promise<Conversation | undefined> {
    return this.conversations.get(id);
  }

  async save(c: Conversation): Promise<void> {
    this.conversations.set(c.id, c);
    for (const a of c.alerts) this.alertIndex.set(a.id, c.id);
  }

  /** Atomic without locks: nothing awaits between the read and the write. */
  async update<T>(id: string, change: (current: Conversation | undefined) => Change<T>): Promise<T> {
    const { conversation, result } = change(this.conversations.get(id));
    if (conversation) await this.save(conversation);
    return result;
  }

  async list(q: ConversationQuery): Promise<Conversation[]> {
    const found = [...this.conversations.values()].filter((c) => matches(c, q)).sort((a, b) => b.startedAt - a.startedAt);
    return q.limit === undefined ? found : found.slice(0, q.limit);
  }

  async conversationOfAlert(alertId: string): Promise<string | undefined> {
    return this.alertIndex.get(alertId);
  }

  async revokeToken(jti: string, untilMs: number): Promise<void> {
    for (const [id, until] of this.revoked) if (until <= Date.now()) this.revoked.delete(id);
    if (untilMs > Date.now()) this.revoked.set(jti, untilMs);
  }

  async isTokenRevoked(jti: string): Promise<boolean> {
    return (this.revoked.get(jti) ?? 0) > Date.now();
  }

  async ready(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}
}

import type { Conversation } from '../domain/conversation.ts';
import { matches, storeExpiry, type Change, type ConversationQuery, type Store, type StoreExpiry } from './store.ts';

/**
 * The embedded store of the one-command start: fast, and gone when the process ends. Conversations
 * expire as in the Redis store (`expiry` from their last change), so a long-running process does not
 * keep every ended conversation: reads skip an expired one, and listings drop them all.
 */
export class MemoryStore implements Store {
  readonly kind = 'memory';
  private readonly conversations = new Map<string, Conversation>();
  /** When each conversation expires, epoch ms. */
  private readonly expiresAt = new Map<string, number>();
  private readonly live = new Set<string>();
  private readonly alertIndex = new Map<string, string>();
  /** Revoked token ids and until when. */
  private readonly revoked = new Map<string, number>();

  constructor(
    private readonly expiry: StoreExpiry = storeExpiry(),
    private readonly now: () => number = Date.now,
  ) {}

  async get(id: string): Promise<Conversation | undefined> {
    return this.current(id);
  }

  async save(c: Conversation): Promise<void> {
    this.conversations.set(c.id, c);
    this.expiresAt.set(c.id, this.now() + (c.status === 'ended' ? this.expiry.retentionMs : this.expiry.liveTtlMs));
    if (c.status === 'live') this.live.add(c.id);
    else this.live.delete(c.id);
    for (const a of c.alerts) this.alertIndex.set(a.id, c.id);
  }

  /** Atomic without locks: nothing awaits between the read and the write. */
  async update<T>(id: string, change: (current: Conversation | undefined) => Change<T>): Promise<T> {
    const { conversation, result } = change(this.current(id));
    if (conversation) await this.save(conversation);
    return result;
  }

  async list(q: ConversationQuery): Promise<Conversation[]> {
    const now = this.now();
    for (const [id, at] of this.expiresAt) if (at <= now) this.forget(id);
    const found = [...this.conversations.values()].filter((c) => matches(c, q)).sort((a, b) => b.startedAt - a.startedAt);
    return q.limit === undefined ? found : found.slice(0, q.limit);
  }

  async countLive(): Promise<number> {
    return this.live.size;
  }

  async conversationOfAlert(alertId: string): Promise<string | undefined> {
    const id = this.alertIndex.get(alertId);
    return id !== undefined && this.current(id) ? id : undefined;
  }

  async revokeToken(jti: string, untilMs: number): Promise<void> {
    for (const [id, until] of this.revoked) if (until <= this.now()) this.revoked.delete(id);
    if (untilMs > this.now()) this.revoked.set(jti, untilMs);
  }

  async isTokenRevoked(jti: string): Promise<boolean> {
    return (this.revoked.get(jti) ?? 0) > this.now();
  }

  async ready(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}

  /** The conversation unless it has expired (then it is forgotten). */
  private current(id: string): Conversation | undefined {
    if ((this.expiresAt.get(id) ?? Infinity) <= this.now()) this.forget(id);
    return this.conversations.get(id);
  }

  private forget(id: string): void {
    for (const a of this.conversations.get(id)?.alerts ?? []) if (this.alertIndex.get(a.id) === id) this.alertIndex.delete(a.id);
    this.conversations.delete(id);
    this.expiresAt.delete(id);
    this.live.delete(id);
  }
}

import type { Conversation } from '../domain/conversation.ts';

export interface Change<T> {
  conversation?: Conversation;
  result: T;
}

export interface ConversationQuery {
  status?: 'live' | 'ended';
  agentId?: string;
  /** Conversations that started at or after this epoch ms. */
  from?: number;
  /** Conversations that started before this epoch ms. */
  to?: number;
  /** Newest first; at most this many. */
  limit?: number;
}

export const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_RETENTION_DAYS = 90;

/** How long a conversation's state is kept after its last change; the same rule in both stores. */
export interface StoreExpiry {
  /** How long an ended conversation is kept for QA. */
  retentionMs: number;
  /** How long a live conversation survives without any change (an abandoned call does not stay on the wall forever). */
  liveTtlMs: number;
}

/** Ended conversations kept `retentionDays` (--retention-days), live ones a day after their last change. */
export function storeExpiry(retentionDays = DEFAULT_RETENTION_DAYS): StoreExpiry {
  return { retentionMs: retentionDays * DAY_MS, liveTtlMs: DAY_MS };
}

/**
 * Where conversation state lives. One interface, two implementations (memory for the one-command
 * demo, Redis for production), one contract test suite for both.
 */
export interface Store {
  readonly kind: 'memory' | 'redis';
  get(conversationId: string): Promise<Conversation | undefined>;
  save(conversation: Conversation): Promise<void>;
  /**
   * Atomic read-modify-write of one conversation, safe against writers in other processes (the Redis
   * store retries on a concurrent write). `change` sees the current state and returns what to write
   * (none: write nothing) and what to hand back; it may run more than once, so it must be pure.
   */
  update<T>(conversationId: string, change: (current: Conversation | undefined) => Change<T>): Promise<T>;
  list(query: ConversationQuery): Promise<Conversation[]>;
  /**
   * How many conversations are live, in constant time, for admission control. A live conversation that
   * expired without ending is counted until a listing of live conversations drops it (the idle-end
   * sweep lists them on every tick).
   */
  countLive(): Promise<number>;
  /** The conversation an alert belongs to, for acknowledging by alert id. */
  conversationOfAlert(alertId: string): Promise<string | undefined>;
  /** Refuses the token with this `jti` from now until `untilMs`, when it would have expired anyway. */
  revokeToken(jti: string, untilMs: number): Promise<void>;
  isTokenRevoked(jti: string): Promise<boolean>;
  /** Readiness, for /healthz. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

export function matches(c: Conversation, q: ConversationQuery): boolean {
  return (
    (q.status === undefined || c.status === q.status) &&
    (q.agentId === undefined || c.agentId === q.agentId) &&
    (q.from === undefined || c.startedAt >= q.from) &&
    (q.to === undefined || c.startedAt < q.to)
  );
}

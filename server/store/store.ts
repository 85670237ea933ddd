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

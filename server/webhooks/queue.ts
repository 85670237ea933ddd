import type { Alert } from '../domain/alert.ts';
import type { ConversationSummary } from '../domain/conversation.ts';
import type { PostContactSummary } from '../reports/index.ts';

export const WEBHOOK_EVENTS = ['alert.opened', 'alert.escalated', 'alert.acknowledged', 'alert.resolved', 'conversation.ended'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** The JSON body of one delivery. `id` is also the Idempotency-Key header: the same on every retry. */
export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  conversationId: string;
  /** Rises with every event Rapport sends (across restarts too): within a conversation, the order they happened in. */
  sequence: number;
  occurredAt: number;
  conversation: ConversationSummary;
  alert?: Alert;
  /** With conversation.ended: the post-contact summary. */
  summary?: PostContactSummary;
}

export interface Delivery {
  id: string;
  event: WebhookEvent;
  attempts: number;
  nextAttemptAt: number;
  lastError?: string;
}

export interface DeliveryAttempt {
  deliveryId: string;
  eventId: string;
  type: WebhookEventType;
  conversationId: string;
  sequence: number;
  attempt: number;
  at: number;
  outcome: 'delivered' | 'retry' | 'dead-letter';
  status?: number;
  error?: string;
}

/**
 * Where deliveries wait. Each conversation is a FIFO lane: only its oldest delivery is ever due, so a
 * later event never overtakes an earlier one of the same conversation, even across retries.
 * Implementations: memory (this file) and Redis (redis-queue.ts); one contract, one test suite.
 */
export interface WebhookQueue {
  readonly kind: 'memory' | 'redis';
  push(d: Delivery): Promise<void>;
  /** The head of each lane whose next attempt is due by `now`, at most `limit` of them. */
  due(now: number, limit: number): Promise<Delivery[]>;
  /** The head of its lane was delivered: drop it. */
  delivered(d: Delivery): Promise<void>;
  /** The head of its lane failed: try again at `d.nextAttemptAt`. */
  retryLater(d: Delivery): Promise<void>;
  /** The head of its lane gave up: move it to the dead-letter list, unblocking the lane. */
  deadLetter(d: Delivery): Promise<void>;
  deadLetters(): Promise<Delivery[]>;
  /** A dead letter back at the end of its lane, attempts reset, for a supervisor's retry. */
  requeue(deliveryId: string, now: number): Promise<Delivery | undefined>;
  log(attempt: DeliveryAttempt): Promise<void>;
  /** Newest first. */
  recent(limit: number): Promise<DeliveryAttempt[]>;
  pending(): Promise<number>;
  close(): Promise<void>;
}

/** Attempts the delivery log keeps: enough to see what happened today, bounded in memory. */
export const LOG_LIMIT = 1000;

/** The in-process queue: survives a receiver being down, not Rapport restarting (use Redis for that). */
export class MemoryWebhookQueue implements WebhookQueue {
  readonly kind = 'memory';
  private readonly lanes = new Map<string, Delivery[]>();
  private readonly dead: Delivery[] = [];
  private readonly attempts: DeliveryAttempt[] = [];

  async push(d: Delivery): Promise<void> {
    const lane = this.lanes.get(d.event.conversationId) ?? [];
    lane.push(d);
    this.lanes.set(d.event.conversationId, lane);
  }

  async due(now: number, limit: number): Promise<Delivery[]> {
    const heads = [...this.lanes.values()].map((lane) => lane[0]!).filter((d) => d.nextAttemptAt <= now);
    return heads.sort((a, b) => a.nextAttemptAt - b.nextAttemptAt).slice(0, limit);
  }

  async delivered(d: Delivery): Promise<void> {
    this.dropHead(d);
  }

  async retryLater(d: Delivery): Promise<void> {
    const lane = this.lanes.get(d.event.conversationId);
    if (lane?.[0]?.id === d.id) lane[0] = d;
  }

  async deadLetter(d: Delivery): Promise<void> {
    if (this.dropHead(d)) this.dead.push(d);
  }

  async deadLetters(): Promise<Delivery[]> {
    return [...this.dead];
  }

  async requeue(deliveryId: string, now: number): Promise<Delivery | undefined> {
    const i = this.dead.findIndex((d) => d.id === deliveryId);
    if (i < 0) return undefined;
    const [d] = this.dead.splice(i, 1);
    const again = { ...d!, attempts: 0, nextAttemptAt: now };
    await this.push(again);
    return again;
  }

  async log(attempt: DeliveryAttempt): Promise<void> {
    this.attempts.unshift(attempt);
    this.attempts.length = Math.min(this.attempts.length, LOG_LIMIT);
  }

  async recent(limit: number): Promise<DeliveryAttempt[]> {
    return this.attempts.slice(0, limit);
  }

  async pending(): Promise<number> {
    return [...this.lanes.values()].reduce((n, lane) => n + lane.length, 0);
  }

  async close(): Promise<void> {}

  /** Removes `d` if it is still the head of its lane (a settle may come late, after a requeue or twice). */
  private dropHead(d: Delivery): boolean {
    const lane = this.lanes.get(d.event.conversationId);
    if (lane?.[0]?.id !== d.id) return false;
    lane.shift();
    if (lane.length === 0) this.lanes.delete(d.event.conversationId);
    return true;
  }
}

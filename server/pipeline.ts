import { randomUUID } from 'node:crypto';
import { guessIntent, type Analytics } from './analytics/index.ts';
import { applyPartial, hasSeen, newConversation, type Conversation } from './domain/conversation.ts';
import type { Turn } from './domain/turn.ts';
import type { ConversationOrder } from './commands.ts';
import type { Playbook } from './guidance/index.ts';
import type { Publisher } from './outcome.ts';
import type { Quality } from './quality/index.ts';
import { priorContactsOf } from './quality/index.ts';
import type { Rule } from './rules/index.ts';
import { InProcessQueue, type TurnQueue } from './queue/index.ts';
import { SaturatedError, type Scorer } from './scoring/index.ts';
import { createTurnStages, stepTurn, type TurnStage } from './stages/index.ts';
import type { Store } from './store/index.ts';

/**
 * The one-way flow of a turn: accept -> queue -> score -> stages (server/stages: rules, guidance,
 * quality, analytics) -> store -> publish. Turns of one conversation are processed strictly in order; turns of
 * different conversations run concurrently and so share the scorer's micro-batches. Every change to
 * a conversation is a `store.update`, atomic even when several processes share a Redis store; what
 * it changed goes to the publisher as one `Outcome`.
 */

export interface PipelineOptions {
  store: Store;
  scorer: Scorer;
  rules: readonly Rule[];
  resolveAbove: number;
  playbook: Playbook;
  /** Service-quality practice: complaint grading, acknowledgement deadlines, the agent checklist. */
  quality: Quality;
  /** Backpressure: beyond this many turns waiting to be scored, new turns are refused. */
  maxPending: number;
  /** Admission control: beyond this many live conversations in the store, a turn that would open another is refused. */
  maxLive: number;
  /** Where every stored change is announced (sockets, metrics, webhooks ...). */
  publisher: Publisher;
  /** Where accepted final turns wait to be scored; in-process unless scaled out on Redis. */
  queue?: TurnQueue;
  /** Predicted satisfaction and the contact reason; none: the analytics stage changes nothing. */
  analytics?: Analytics;
  clock?: () => number;
  newId?: () => string;
}

export type AcceptResult = { turnId: string; conversationId: string; duplicate: boolean };

export class ConversationEndedError extends Error {
  constructor(readonly conversationId: string) {
    super(`conversation ${conversationId} has ended; start a new conversation id`);
    this.name = 'ConversationEndedError';
  }
}

export class Pipeline implements ConversationOrder {
  private readonly chains = new Map<string, Promise<unknown>>();
  readonly queue: TurnQueue;
  private readonly clock: () => number;
  private readonly newId: () => string;
  private readonly stages: readonly TurnStage[];

  constructor(private readonly o: PipelineOptions) {
    this.clock = o.clock ?? Date.now;
    this.newId = o.newId ?? randomUUID;
    this.queue = o.queue ?? new InProcessQueue();
    this.stages = createTurnStages(o);
  }

  /** Starts scoring queued turns (in Redis mode, also those other processes accepted). */
  async start(): Promise<void> {
    await this.queue.start((turn, acceptedAt, redelivered) => this.process(turn, acceptedAt, redelivered));
  }

  /** Turns accepted and not yet through the pipeline. */
  get pending(): number {
    return this.queue.backlog;
  }

  /**
   * Accepts one validated, redacted turn. Resolves once the turn is queued in order for its conversation
   * (with Redis: written to Redis, so the sender may be acknowledged); a repeated turnId resolves as a
   * duplicate and changes nothing.
   */
  async accept(turn: Turn): Promise<AcceptResult> {
    const result = { turnId: turn.turnId, conversationId: turn.conversationId };
    const existing = await this.o.store.get(turn.conversationId);
    if (existing?.status === 'ended') throw new ConversationEndedError(turn.conversationId);
    // Partials included: they open a conversation too, and are never counted against --max-pending.
    if (!existing) await this.admitNewConversation();
    if (!turn.final) {
      // Partials are shown live and never scored: no queue, and losing one in a crash costs nothing.
      void this.inOrder(turn.conversationId, () => this.processPartial(turn));
      return { ...result, duplicate: false };
    }
    if (existing && hasSeen(existing, turn.turnId)) return { ...result, duplicate: true };
    if (this.queue.backlog >= this.o.maxPending) throw new SaturatedError(`scoring is saturated (${this.queue.backlog} turns waiting)`);
    const { duplicate } = await this.queue.enqueue(turn, this.clock());
    return { ...result, duplicate };
  }

  private async admitNewConversation(): Promise<void> {
    const live = await this.o.store.countLive();
    if (live >= this.o.maxLive) throw new SaturatedError(`${live} conversations are live, the most this deployment takes (--max-live)`);
  }

  /**
   * Scores and applies one queued final turn; the queue calls this, in order per conversation. A turn
   * the conversation has already seen changes nothing; if it was delivered again because its worker
   * died, its outcome is published again, since the worker may have died after saving and before publishing.
   */
  process(turn: Turn, acceptedAt: number, redelivered: boolean): Promise<void> {
    return this.inOrder(turn.conversationId, () => this.processFinal(turn, acceptedAt, redelivered));
  }

  settle(conversationId: string): Promise<boolean> {
    return this.queue.settle(conversationId);
  }

  /** Resolves when every accepted turn has been processed (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.allSettled([...this.chains.values()]);
  }

  inOrder<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(conversationId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch((error: unknown) => this.o.publisher.publish({ kind: 'failed', conversationId, error: error as Error }));
    this.chains.set(conversationId, tail);
    void tail.then(() => {
      if (this.chains.get(conversationId) === tail) this.chains.delete(conversationId);
    });
    return next;
  }

  private async processPartial(turn: Turn): Promise<void> {
    const updated = await this.o.store.update(turn.conversationId, (c) => {
      const partial = applyPartial(c ?? newConversation(turn), turn);
      return { conversation: partial, result: partial };
    });
    this.o.publisher.publish({ kind: 'partial', conversation: updated, turn });
  }

  private async processFinal(turn: Turn, acceptedAt: number, redelivered: boolean): Promise<void> {
    const stored = await this.o.store.get(turn.conversationId);
    if (stored && hasSeen(stored, turn.turnId)) {
      if (redelivered) this.publishAgain(stored, turn.turnId);
      return;
    }
    // Scoring and the look-ups depend on the turn alone, so they run outside the atomic update (which may repeat).
    const score = await this.o.scorer.score({ text: turn.text, emotion: turn.speaker === 'customer' });
    const priorContacts = await priorContactsOf(this.o.store, this.o.quality, stored, turn);
    const intent = await guessIntent(this.o.analytics, stored, turn);
    const step = await this.o.store.update(turn.conversationId, (current) => {
      const before = current ?? newConversation(turn);
      if (hasSeen(before, turn.turnId)) return { result: undefined };
      const step = stepTurn(this.stages, before, { turn, score, priorContacts, intent }, { now: this.clock(), newId: this.newId });
      return { conversation: step.conversation, result: step };
    });
    if (step) this.o.publisher.publish({ kind: 'turn', ...step, acceptedAt, again: false });
  }

  /** The outcome of an applied turn once more: at least once beats never, and every event carries an id. */
  private publishAgain(c: Conversation, turnId: string): void {
    const turn = c.turns.find((t) => t.turnId === turnId);
    if (!turn) return;
    this.o.publisher.publish({
      kind: 'turn',
      conversation: c,
      turn,
      acceptedAt: this.clock(),
      prompts: c.prompts.filter((p) => p.turnId === turnId),
      expired: [],
      alerts: c.alerts.filter((a) => a.evidence.includes(turnId)).map((alert) => ({ alert, change: 'updated' })),
      again: true,
    });
  }
}

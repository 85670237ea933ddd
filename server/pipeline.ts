import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { acknowledge, type Alert } from './domain/alert.ts';
import {
  applyPartial,
  applyScoredTurn,
  endConversation,
  hasSeen,
  newConversation,
  withAlerts,
  withPromptFeedback,
  withPrompts,
  withQaNote,
  type Conversation,
} from './domain/conversation.ts';
import type { Prompt, PromptFeedback } from './domain/prompt.ts';
import type { ScoredTurn, Turn } from './domain/turn.ts';
import { suggestPrompts, type Playbook } from './guidance/index.ts';
import { runRules, type Rule } from './rules/index.ts';
import { SaturatedError, type Scorer } from './scoring/index.ts';
import type { Store } from './store/index.ts';

/**
 * The one-way flow of a turn: accept -> score -> conversation state -> rules -> guidance -> store ->
 * broadcast. Turns of one conversation are processed strictly in order; turns of different
 * conversations run concurrently and so share the scorer's micro-batches.
 */

export interface PipelineEvents {
  turn: [conversation: Conversation, turn: ScoredTurn, acceptedAt: number];
  partial: [conversation: Conversation, turn: Turn];
  alert: [conversation: Conversation, alert: Alert, change: 'opened' | 'updated'];
  prompt: [conversation: Conversation, prompt: Prompt];
  /** Any change a wall tile shows. */
  conversation: [conversation: Conversation];
  ended: [conversation: Conversation];
  failed: [error: Error, conversationId: string];
}

export interface PipelineOptions {
  store: Store;
  scorer: Scorer;
  rules: readonly Rule[];
  resolveAbove: number;
  playbook: Playbook;
  /** Backpressure: beyond this many turns waiting to be scored, new turns are refused. */
  maxPending: number;
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

export class Pipeline extends EventEmitter<PipelineEvents> {
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<string>();
  private readonly clock: () => number;
  private readonly newId: () => string;

  constructor(private readonly o: PipelineOptions) {
    super();
    this.clock = o.clock ?? Date.now;
    this.newId = o.newId ?? randomUUID;
  }

  /** Turns accepted and not yet through the pipeline. */
  get pending(): number {
    return this.inFlight.size;
  }

  /**
   * Accepts one validated, redacted turn. Resolves once the turn is accepted (queued in order for its
   * conversation); a repeated turnId resolves as a duplicate and changes nothing.
   */
  async accept(turn: Turn): Promise<AcceptResult> {
    const key = `${turn.conversationId}\u0000${turn.turnId}`;
    const result = { turnId: turn.turnId, conversationId: turn.conversationId };
    if (turn.final && this.inFlight.has(key)) return { ...result, duplicate: true };
    const existing = await this.o.store.get(turn.conversationId);
    if (existing?.status === 'ended') throw new ConversationEndedError(turn.conversationId);
    if (turn.final && existing && hasSeen(existing, turn.turnId)) return { ...result, duplicate: true };
    if (turn.final && this.inFlight.size >= this.o.maxPending) throw new SaturatedError(this.inFlight.size);

    const acceptedAt = this.clock();
    if (turn.final) this.inFlight.add(key);
    void this.serially(turn.conversationId, async () => {
      try {
        if (turn.final) await this.processFinal(turn, acceptedAt);
        else await this.processPartial(turn);
      } finally {
        this.inFlight.delete(key);
      }
    });
    return { ...result, duplicate: false };
  }

  async end(conversationId: string): Promise<Conversation | undefined> {
    return this.serially(conversationId, async () => {
      const c = await this.o.store.get(conversationId);
      if (!c || c.status === 'ended') return c;
      const ended = endConversation(c, this.clock());
      await this.o.store.save(ended);
      this.emit('ended', ended);
      this.emit('conversation', ended);
      return ended;
    });
  }

  async acknowledgeAlert(alertId: string, by: string): Promise<Alert | undefined> {
    const conversationId = await this.o.store.conversationOfAlert(alertId);
    if (!conversationId) return undefined;
    return this.serially(conversationId, async () => {
      const c = await this.o.store.get(conversationId);
      const alert = c?.alerts.find((a) => a.id === alertId);
      if (!c || !alert) return undefined;
      const acked = acknowledge(alert, by, this.clock());
      if (acked === alert) return alert;
      const updated = withAlerts(c, [acked]);
      await this.o.store.save(updated);
      this.emit('alert', updated, acked, 'updated');
      this.emit('conversation', updated);
      return acked;
    });
  }

  /** A supervisor's private note to the agent, delivered as a prompt. */
  async whisper(conversationId: string, text: string, from: string): Promise<Prompt | undefined> {
    return this.serially(conversationId, async () => {
      const c = await this.o.store.get(conversationId);
      if (!c || c.status === 'ended') return undefined;
      const prompt: Prompt = {
        id: this.newId(),
        conversationId,
        agentId: c.agentId,
        source: 'whisper',
        kind: 'whisper',
        text,
        why: `Whisper from ${from}`,
        at: this.clock(),
        from,
      };
      const updated = withPrompts(c, [prompt]);
      await this.o.store.save(updated);
      this.emit('prompt', updated, prompt);
      return prompt;
    });
  }

  async promptFeedback(conversationId: string, promptId: string, feedback: PromptFeedback): Promise<Prompt | undefined> {
    return this.serially(conversationId, async () => {
      const c = await this.o.store.get(conversationId);
      if (!c) return undefined;
      const { conversation, prompt } = withPromptFeedback(c, promptId, feedback, this.clock());
      if (prompt) await this.o.store.save(conversation);
      return prompt;
    });
  }

  async setQaNote(conversationId: string, note: string): Promise<Conversation | undefined> {
    return this.serially(conversationId, async () => {
      const c = await this.o.store.get(conversationId);
      if (!c) return undefined;
      const updated = withQaNote(c, note);
      await this.o.store.save(updated);
      return updated;
    });
  }

  /** Resolves when every accepted turn has been processed (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.allSettled([...this.chains.values()]);
  }

  private serially<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(conversationId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch((error: unknown) => this.emit('failed', error as Error, conversationId));
    this.chains.set(conversationId, tail);
    void tail.then(() => {
      if (this.chains.get(conversationId) === tail) this.chains.delete(conversationId);
    });
    return next;
  }

  private async processPartial(turn: Turn): Promise<void> {
    const c = (await this.o.store.get(turn.conversationId)) ?? newConversation(turn);
    const updated = applyPartial(c, turn);
    await this.o.store.save(updated);
    this.emit('partial', updated, turn);
  }

  private async processFinal(turn: Turn, acceptedAt: number): Promise<void> {
    const before = (await this.o.store.get(turn.conversationId)) ?? newConversation(turn);
    if (hasSeen(before, turn.turnId)) return;
    const score = await this.o.scorer.score({ text: turn.text, emotion: turn.speaker === 'customer' });
    const now = this.clock();
    const { conversation: scoredState, scored } = applyScoredTurn(before, turn, score);
    const outcome = runRules(this.o.rules, { conversation: scoredState, turn: scored }, { resolveAbove: this.o.resolveAbove }, now, this.newId);
    const alerted = withAlerts(scoredState, outcome.changed);
    const prompts = suggestPrompts(this.o.playbook, alerted, scored, outcome.fresh, now, this.newId);
    const after = withPrompts(alerted, prompts);
    await this.o.store.save(after);

    this.emit('turn', after, scored, acceptedAt);
    for (const prompt of prompts) this.emit('prompt', after, prompt);
    const known = new Set(before.alerts.map((a) => a.id));
    for (const alert of outcome.changed) this.emit('alert', after, alert, known.has(alert.id) ? 'updated' : 'opened');
    this.emit('conversation', after);
  }
}

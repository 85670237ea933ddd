import { EventEmitter } from 'node:events';
import { applyAnalytics, guessIntent, type Analytics } from './analytics/index.ts';
import { randomUUID } from 'node:crypto';
import { acknowledge, assign, type Alert } from './domain/alert.ts';
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
import { promptsForFindings, suggestPrompts, type Playbook } from './guidance/index.ts';
import { dueEscalations } from './quality/deadlines.ts';
import { applyQuality, armAlerts, type Quality } from './quality/index.ts';
import { priorContactsOf } from './quality/prior-contacts.ts';
import { runRules, runTimedRules, type Rule, type TimedRule } from './rules/index.ts';
import { InProcessQueue, type TurnQueue } from './queue/index.ts';
import { SaturatedError, type Scorer } from './scoring/index.ts';
import type { Store } from './store/index.ts';
import type { Checklist } from './domain/quality.ts';

/**
 * The one-way flow of a turn: accept -> queue -> score -> conversation state -> rules -> guidance ->
 * store -> broadcast. Turns of one conversation are processed strictly in order; turns of different
 * conversations run concurrently and so share the scorer's micro-batches. Every change to a
 * conversation is a `store.update`, atomic even when several processes share a Redis store.
 */

export interface PipelineEvents {
  turn: [conversation: Conversation, turn: ScoredTurn, acceptedAt: number];
  partial: [conversation: Conversation, turn: Turn];
  alert: [conversation: Conversation, alert: Alert, change: 'opened' | 'updated'];
  prompt: [conversation: Conversation, prompt: Prompt];
  /** Any change a wall tile shows. */
  conversation: [conversation: Conversation];
  ended: [conversation: Conversation];
  /** The agent's service checklist changed. */
  checklist: [conversation: Conversation, checklist: Checklist];
  failed: [error: Error, conversationId: string];
}

export interface PipelineOptions {
  store: Store;
  scorer: Scorer;
  rules: readonly Rule[];
  /** Rules about time passing without a turn (waits, silences), judged on `tick`. */
  timedRules?: readonly TimedRule[];
  resolveAbove: number;
  playbook: Playbook;
  /** Backpressure: beyond this many turns waiting to be scored, new turns are refused. */
  maxPending: number;
  /** Where accepted final turns wait to be scored; in-process unless scaled out on Redis. */
  queue?: TurnQueue;
  /** Service-quality practice: complaint grading, acknowledgement deadlines, the agent checklist. */
  quality?: Quality;
  /** Predicted satisfaction and the contact reason. */
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

export class Pipeline extends EventEmitter<PipelineEvents> {
  private readonly chains = new Map<string, Promise<unknown>>();
  readonly queue: TurnQueue;
  private readonly clock: () => number;
  private readonly newId: () => string;

  constructor(private readonly o: PipelineOptions) {
    super();
    this.clock = o.clock ?? Date.now;
    this.newId = o.newId ?? randomUUID;
    this.queue = o.queue ?? new InProcessQueue();
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
    if (!turn.final) {
      // Partials are shown live and never scored: no queue, and losing one in a crash costs nothing.
      void this.serially(turn.conversationId, () => this.processPartial(turn));
      return { ...result, duplicate: false };
    }
    if (existing && hasSeen(existing, turn.turnId)) return { ...result, duplicate: true };
    if (this.queue.backlog >= this.o.maxPending) throw new SaturatedError(this.queue.backlog);
    const { duplicate } = await this.queue.enqueue(turn, this.clock());
    return { ...result, duplicate };
  }

  /**
   * Scores and applies one queued final turn; the queue calls this, in order per conversation. A turn
   * the conversation has already seen changes nothing; if it was delivered again because its worker
   * died, its events are sent again, since the worker may have died after saving and before sending.
   */
  process(turn: Turn, acceptedAt: number, redelivered: boolean): Promise<void> {
    return this.serially(turn.conversationId, () => this.processFinal(turn, acceptedAt, redelivered));
  }

  async end(conversationId: string): Promise<Conversation | undefined> {
    // Turns accepted before the end may still wait in the queue (with Redis, maybe for another process).
    await this.queue.settle(conversationId);
    return this.serially(conversationId, async () => {
      const { conversation, changed } = await this.o.store.update(conversationId, (c) => {
        if (!c || c.status === 'ended') return { result: { conversation: c, changed: false } };
        const ended = endConversation(c, this.clock());
        return { conversation: ended, result: { conversation: ended, changed: true } };
      });
      if (changed && conversation) {
        this.emit('ended', conversation);
        this.emit('conversation', conversation);
      }
      return conversation;
    });
  }

  async acknowledgeAlert(alertId: string, by: string): Promise<Alert | undefined> {
    const conversationId = await this.o.store.conversationOfAlert(alertId);
    if (!conversationId) return undefined;
    return this.changeAlert(conversationId, alertId, (alert) => acknowledge(alert, by, this.clock()));
  }

  async assignAlert(alertId: string, to: string, by: string): Promise<Alert | undefined> {
    const conversationId = await this.o.store.conversationOfAlert(alertId);
    if (!conversationId) return undefined;
    return this.changeAlert(conversationId, alertId, (alert) => assign(alert, to, by, this.clock()));
  }

  /** A supervisor's private note to the agent, delivered as a prompt. */
  async whisper(conversationId: string, text: string, from: string): Promise<Prompt | undefined> {
    return this.serially(conversationId, async () => {
      const id = this.newId();
      const done = await this.o.store.update(conversationId, (c) => {
        if (!c || c.status === 'ended') return { result: undefined };
        const prompt: Prompt = {
          id,
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
        return { conversation: updated, result: { updated, prompt } };
      });
      if (done) this.emit('prompt', done.updated, done.prompt);
      return done?.prompt;
    });
  }

  async promptFeedback(conversationId: string, promptId: string, feedback: PromptFeedback): Promise<Prompt | undefined> {
    return this.serially(conversationId, () =>
      this.o.store.update(conversationId, (c) => {
        if (!c) return { result: undefined };
        const { conversation, prompt } = withPromptFeedback(c, promptId, feedback, this.clock());
        return { conversation: prompt ? conversation : undefined, result: prompt };
      }),
    );
  }

  async setQaNote(conversationId: string, note: string): Promise<Conversation | undefined> {
    return this.serially(conversationId, () =>
      this.o.store.update(conversationId, (c) => {
        if (!c) return { result: undefined };
        const updated = withQaNote(c, note);
        return { conversation: updated, result: updated };
      }),
    );
  }

  /** Escalates the conversation's alerts whose acknowledgement deadline has passed (the deadline ticker calls this). */
  async escalateOverdue(conversationId: string): Promise<Alert[]> {
    const quality = this.o.quality;
    if (!quality) return [];
    return this.serially(conversationId, async () => {
      const done = await this.o.store.update(conversationId, (c) => {
        const escalated = c ? dueEscalations(c.alerts, quality.config.acknowledge, this.clock()) : [];
        if (!c || escalated.length === 0) return { result: undefined };
        const updated = withAlerts(c, escalated);
        return { conversation: updated, result: { updated, escalated } };
      });
      if (!done) return [];
      for (const alert of done.escalated) this.emit('alert', done.updated, alert, 'updated');
      this.emit('conversation', done.updated);
      return done.escalated;
    });
  }

  /**
   * A clock tick for one live conversation (the rule ticker calls this): the timed rules run at the
   * current time in its serial chain, and their alerts and prompts go out like a turn's.
   */
  async tick(conversationId: string): Promise<void> {
    const timedRules = this.o.timedRules ?? [];
    if (timedRules.length === 0) return;
    await this.serially(conversationId, async () => {
      const done = await this.o.store.update(conversationId, (c) => {
        const now = this.clock();
        const outcome = c ? runTimedRules(timedRules, c, now, this.newId) : undefined;
        if (!c || !outcome || outcome.changed.length === 0) return { result: undefined };
        const changed = armAlerts(this.o.quality, outcome.changed, now);
        const alerted = withAlerts(c, changed);
        const prompts = promptsForFindings(this.o.playbook, alerted, outcome.fresh, now, this.newId);
        const after = withPrompts(alerted, prompts);
        return { conversation: after, result: { after, changed, prompts, known: new Set(c.alerts.map((a) => a.id)) } };
      });
      if (!done) return;
      for (const prompt of done.prompts) this.emit('prompt', done.after, prompt);
      for (const alert of done.changed) this.emit('alert', done.after, alert, done.known.has(alert.id) ? 'updated' : 'opened');
      this.emit('conversation', done.after);
    });
  }

  /** A pure change to a stored conversation in its serial chain (QA scorecards, feedback); undefined when there is none or `change` declines. */
  async updateConversation<T>(conversationId: string, change: (c: Conversation) => { conversation: Conversation; result: T } | undefined): Promise<T | undefined> {
    return this.serially(conversationId, () => this.o.store.update<T | undefined>(conversationId, (c) => (c && change(c)) ?? { result: undefined }));
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

  /** One alert changed by a pure lifecycle step (acknowledge, assign); unchanged alerts write nothing. */
  private changeAlert(conversationId: string, alertId: string, step: (alert: Alert) => Alert): Promise<Alert | undefined> {
    return this.serially(conversationId, async () => {
      const done = await this.o.store.update<{ alert: Alert; updated?: Conversation } | undefined>(conversationId, (c) => {
        const alert = c?.alerts.find((a) => a.id === alertId);
        if (!c || !alert) return { result: undefined };
        const changed = step(alert);
        if (changed === alert) return { result: { alert } };
        const updated = withAlerts(c, [changed]);
        return { conversation: updated, result: { alert: changed, updated } };
      });
      if (done?.updated) {
        this.emit('alert', done.updated, done.alert, 'updated');
        this.emit('conversation', done.updated);
      }
      return done?.alert;
    });
  }

  private async processPartial(turn: Turn): Promise<void> {
    const updated = await this.o.store.update(turn.conversationId, (c) => {
      const partial = applyPartial(c ?? newConversation(turn), turn);
      return { conversation: partial, result: partial };
    });
    this.emit('partial', updated, turn);
  }

  private async processFinal(turn: Turn, acceptedAt: number, redelivered: boolean): Promise<void> {
    const stored = await this.o.store.get(turn.conversationId);
    if (stored && hasSeen(stored, turn.turnId)) {
      if (redelivered) this.announceAgain(stored, turn.turnId);
      return;
    }
    // Scoring depends on the text alone, so it runs outside the atomic update (which may repeat).
    const score = await this.o.scorer.score({ text: turn.text, emotion: turn.speaker === 'customer' });
    const priorContacts = await priorContactsOf(this.o.store, this.o.quality, stored, turn);
    const intent = await guessIntent(this.o.analytics, stored, turn);
    const applied = await this.o.store.update(turn.conversationId, (current) => {
      const before = current ?? newConversation(turn);
      if (hasSeen(before, turn.turnId)) return { result: undefined };
      const now = this.clock();
      const { conversation: scoredState, scored } = applyScoredTurn(before, turn, score);
      const outcome = runRules(this.o.rules, { conversation: scoredState, turn: scored }, { resolveAbove: this.o.resolveAbove }, now, this.newId);
      const changed = armAlerts(this.o.quality, outcome.changed, now);
      const alerted = withAlerts(scoredState, changed);
      const guidance = suggestPrompts(this.o.playbook, alerted, scored, outcome.fresh, now, this.newId);
      const quality = applyQuality(this.o.quality, withPrompts(alerted, guidance), scored, now, this.newId, priorContacts);
      const analysed = applyAnalytics(this.o.analytics, before, quality.conversation, scored, intent, now, this.newId);
      const after = analysed.conversation;
      const prompts = [...guidance, ...quality.prompts, ...analysed.prompts];
      const known = new Set(before.alerts.map((a) => a.id));
      return { conversation: after, result: { after, scored, prompts, changed, known, checklist: quality.checklist } };
    });
    if (!applied) return;
    const { after, scored, prompts, changed, known, checklist } = applied;
    this.emit('turn', after, scored, acceptedAt);
    if (checklist) this.emit('checklist', after, checklist);
    for (const prompt of prompts) this.emit('prompt', after, prompt);
    for (const alert of changed) this.emit('alert', after, alert, known.has(alert.id) ? 'updated' : 'opened');
    this.emit('conversation', after);
  }

  /** The events of an applied turn once more: at least once beats never, and every event carries an id. */
  private announceAgain(c: Conversation, turnId: string): void {
    const scored = c.turns.find((t) => t.turnId === turnId);
    if (!scored) return;
    this.emit('turn', c, scored, this.clock());
    for (const prompt of c.prompts.filter((p) => p.turnId === turnId)) this.emit('prompt', c, prompt);
    for (const alert of c.alerts.filter((a) => a.evidence.includes(turnId))) this.emit('alert', c, alert, 'updated');
    this.emit('conversation', c);
  }
}

import { randomUUID } from 'node:crypto';
import { acknowledge, assign, type Alert } from './domain/alert.ts';
import { endConversation, withAlerts, withChangedPrompts, withPromptFeedback, withPrompts, withQaNote, type Conversation } from './domain/conversation.ts';
import { makePrompt, type Prompt, type PromptFeedback } from './domain/prompt.ts';
import { expiredByEnd, promptsForFindings, type Playbook } from './guidance/index.ts';
import type { Publisher } from './outcome.ts';
import { armAckDeadline, dueEscalations, type QualityConfig } from './quality/index.ts';
import { runTimedRules, type TimedRule } from './rules/index.ts';
import type { Store } from './store/index.ts';

/** Where commands run: in a conversation's serial chain, after the turns accepted before them. */
export interface ConversationOrder {
  /** Runs `work` after everything already queued for the conversation, before anything queued after. */
  inOrder<T>(conversationId: string, work: () => Promise<T>): Promise<T>;
  /** Resolves once every turn accepted for the conversation so far is processed. */
  settle(conversationId: string): Promise<unknown>;
}

export interface CommandsOptions {
  order: ConversationOrder;
  store: Store;
  publisher: Publisher;
  acknowledge: QualityConfig['acknowledge'];
  /** Rules about time passing without a turn (waits, silences), judged on the rule ticker's ticks. */
  timedRules: readonly TimedRule[];
  /** Where the timed rules' findings find their prompts. */
  playbook: Playbook;
  clock?: () => number;
  newId?: () => string;
}

/**
 * What people and timers do to a conversation besides sending turns: end it, acknowledge and assign
 * alerts, whisper, mark prompts, QA notes, escalate overdue alerts, judge the timed rules on a tick, and the QA writes (scorecards,
 * feedback). Each is a pure change stored atomically in the conversation's order, then published.
 */
export class Commands {
  private readonly clock: () => number;
  private readonly newId: () => string;

  constructor(private readonly o: CommandsOptions) {
    this.clock = o.clock ?? Date.now;
    this.newId = o.newId ?? randomUUID;
  }

  async end(conversationId: string): Promise<Conversation | undefined> {
    // Turns accepted before the end may still wait in the queue (with Redis, maybe for another process).
    await this.o.order.settle(conversationId);
    return this.o.order.inOrder(conversationId, async () => {
      const { conversation, expired } = await this.o.store.update<{ conversation?: Conversation; expired?: Prompt[] }>(conversationId, (c) => {
        if (!c || c.status === 'ended') return { result: { conversation: c, expired: undefined } };
        const expired = expiredByEnd(c, this.clock());
        const ended = endConversation(withChangedPrompts(c, expired), this.clock());
        return { conversation: ended, result: { conversation: ended, expired } };
      });
      if (expired && conversation) this.o.publisher.publish({ kind: 'ended', conversation, expired });
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
    return this.changeAlert(conversationId, alertId, (alert) => assign(alert, to, by, this.clock()), by);
  }

  /** A supervisor's private note to the agent, delivered as a prompt. */
  async whisper(conversationId: string, text: string, from: string): Promise<Prompt | undefined> {
    return this.o.order.inOrder(conversationId, async () => {
      const id = this.newId();
      const done = await this.o.store.update(conversationId, (c) => {
        if (!c || c.status === 'ended') return { result: undefined };
        const prompt = makePrompt(c, { source: 'whisper', kind: 'whisper', text, why: `Whisper from ${from}`, whyCode: { code: 'prompt.whisper', params: { from } }, from }, this.clock(), id);
        const updated = withPrompts(c, [prompt]);
        return { conversation: updated, result: { updated, prompt } };
      });
      if (done) this.o.publisher.publish({ kind: 'whisper', conversation: done.updated, prompt: done.prompt });
      return done?.prompt;
    });
  }

  async promptFeedback(conversationId: string, promptId: string, feedback: PromptFeedback): Promise<Prompt | undefined> {
    return this.updateConversation(conversationId, (c) => {
      const { conversation, prompt } = withPromptFeedback(c, promptId, feedback, this.clock());
      return prompt ? { conversation, result: prompt } : undefined;
    });
  }

  async setQaNote(conversationId: string, note: string): Promise<Conversation | undefined> {
    return this.updateConversation(conversationId, (c) => {
      const updated = withQaNote(c, note);
      return { conversation: updated, result: updated };
    });
  }

  /** Escalates the conversation's alerts whose acknowledgement deadline has passed (the deadline ticker calls this). */
  async escalateOverdue(conversationId: string): Promise<Alert[]> {
    return this.o.order.inOrder(conversationId, async () => {
      const done = await this.o.store.update(conversationId, (c) => {
        const escalated = c ? dueEscalations(c.alerts, this.o.acknowledge, this.clock()) : [];
        if (!c || escalated.length === 0) return { result: undefined };
        const updated = withAlerts(c, escalated);
        return { conversation: updated, result: { updated, escalated } };
      });
      if (!done) return [];
      this.o.publisher.publish({ kind: 'alerts', conversation: done.updated, alerts: done.escalated.map((alert) => ({ alert, change: 'updated' })) });
      return done.escalated;
    });
  }

  /**
   * A clock tick for one live conversation (the rule ticker calls this): the timed rules run at the
   * current time in its order, and their alerts (with deadlines armed) and prompts are published.
   */
  async judgeTimedRules(conversationId: string): Promise<Alert[]> {
    if (this.o.timedRules.length === 0) return [];
    return this.o.order.inOrder(conversationId, async () => {
      const done = await this.o.store.update(conversationId, (c) => {
        const now = this.clock();
        const outcome = c ? runTimedRules(this.o.timedRules, c, now, this.newId) : undefined;
        if (!c || !outcome || outcome.changed.length === 0) return { result: undefined };
        const changed = outcome.changed.map((a) => armAckDeadline(a, this.o.acknowledge, now));
        const alerted = withAlerts(c, changed);
        const prompts = promptsForFindings(this.o.playbook, alerted, outcome.fresh, now, this.newId);
        const updated = withPrompts(alerted, prompts);
        const known = new Set(c.alerts.map((a) => a.id));
        return { conversation: updated, result: { updated, changed, prompts, known } };
      });
      if (!done) return [];
      const alerts = done.changed.map((alert) => ({ alert, change: done.known.has(alert.id) ? ('updated' as const) : ('opened' as const) }));
      this.o.publisher.publish({ kind: 'alerts', conversation: done.updated, alerts, prompts: done.prompts });
      return done.changed;
    });
  }

  /** A pure change to a stored conversation in its order (QA scorecards, feedback); undefined when there is none or `change` declines. */
  async updateConversation<T>(conversationId: string, change: (c: Conversation) => { conversation: Conversation; result: T } | undefined): Promise<T | undefined> {
    return this.o.order.inOrder(conversationId, () => this.o.store.update<T | undefined>(conversationId, (c) => (c && change(c)) ?? { result: undefined }));
  }

  /**
   * A change that needs slow work first (re-scoring the conversation with its roles swapped): `work`
   * runs on the stored conversation in its order, so nothing else this process does to it runs
   * meanwhile, and returns a pure change that is stored atomically over the state as it is by then
   * (another process may have written it meanwhile). Undefined when there is no such conversation.
   */
  async reworkConversation<T>(conversationId: string, work: (c: Conversation) => Promise<(current: Conversation) => { conversation: Conversation; result: T }>): Promise<T | undefined> {
    return this.o.order.inOrder(conversationId, async () => {
      const stored = await this.o.store.get(conversationId);
      if (!stored) return undefined;
      const change = await work(stored);
      return this.o.store.update<T | undefined>(conversationId, (current) => (current ? change(current) : { result: undefined }));
    });
  }

  /** One alert changed by a pure lifecycle step (acknowledge, assign); unchanged alerts write nothing and publish nothing. */
  private changeAlert(conversationId: string, alertId: string, step: (alert: Alert) => Alert, assignedBy?: string): Promise<Alert | undefined> {
    return this.o.order.inOrder(conversationId, async () => {
      const done = await this.o.store.update<{ alert: Alert; updated?: Conversation } | undefined>(conversationId, (c) => {
        const alert = c?.alerts.find((a) => a.id === alertId);
        if (!c || !alert) return { result: undefined };
        const changed = step(alert);
        if (changed === alert) return { result: { alert } };
        const updated = withAlerts(c, [changed]);
        return { conversation: updated, result: { alert: changed, updated } };
      });
      if (done?.updated) {
        const alerts = [{ alert: done.alert, change: 'updated' as const }];
        this.o.publisher.publish({ kind: 'alerts', conversation: done.updated, alerts, ...(assignedBy === undefined ? {} : { assignedBy }) });
      }
      return done?.alert;
    });
  }
}

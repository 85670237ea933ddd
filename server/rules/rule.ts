import type { z } from 'zod';
import type { Severity } from '../domain/alert.ts';
import type { Conversation } from '../domain/conversation.ts';
import type { Reason } from '../domain/quality.ts';
import type { ScoredTurn } from '../domain/turn.ts';

/** What a rule sees: the conversation after the scored turn was applied, and that turn. */
export interface RuleContext {
  conversation: Conversation;
  turn: ScoredTurn;
}

/** A rule's verdict on one turn. `trigger` is the key the playbook maps to prompts. */
export interface Finding {
  trigger: string;
  severity: Severity;
  /** In English, for logs, webhooks and exports. */
  reason: string;
  /** The same as a code with parameters, which the screens word in their language. */
  code: Reason;
  evidence: string[];
}

/** A configured rule: a pure function of the conversation, no I/O, no clock. Its alerts carry its `id` as their `rule`. */
export interface Rule {
  id: string;
  evaluate(ctx: RuleContext): Finding | null;
}

/** An alert rule as registered: its id, the schema of its section of rules.yaml, and how to make it from that section. */
export interface RulePlugin<S extends z.ZodType = z.ZodType> {
  id: string;
  schema: S;
  create(config: z.infer<S>): Rule['evaluate'];
}

export function defineRule<S extends z.ZodType>(plugin: RulePlugin<S>): RulePlugin<S> {
  return plugin;
}

/** Customer turns that the rules may judge mood from (low-confidence turns never raise an alert on their own). */
export function judgedCustomerTurns(c: Conversation): ScoredTurn[] {
  return c.turns.filter((t) => t.speaker === 'customer' && !t.score.lowConfidence);
}
